// 事件推送 in the browser: the enterprise admin registers a receiver on 系统管理 → 事件推送 (the secret shown
// once), a post user's submission reaches the receiver signed with that secret, and the delivery log shows it
// delivered with the receiver's status code. The receiver is a plain HTTP server on loopback, which the
// server may reach only because the test allows 127.0.0.1 (YQYB_WEBHOOK_ALLOW).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { binarySkip, browserMatrix, launchBrowser, startServer } from './lib/harness.mjs'
import { ADMIN, FORKLIFT, clickStill, clickVisible, fill, loginAs, must, openMenu, settle, token, waitHidden, waitRow } from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()

/** A receiver on loopback that records every request with its raw body. */
async function receiver() {
  const got = []
  const srv = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.end('ok')
    })
  })
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  return { got, url: `http://127.0.0.1:${srv.address().port}/yqyb-hook`, close: () => new Promise((r) => srv.close(r)) }
}

/** The signature check an integrator writes (manual chapter 事件推送). */
function signed(secret, { headers, body }) {
  const want = createHmac('sha256', secret).update(`${headers['x-yqyb-event-id']}.${headers['x-yqyb-timestamp']}.`).update(body).digest('hex')
  const sent = String(headers['x-yqyb-signature'] ?? '').replace(/^sha256=/, '')
  return sent.length === want.length && timingSafeEqual(Buffer.from(sent), Buffer.from(want))
}

describe('事件推送 (webhooks)', () => {
  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let server
      let browser
      let hook
      before(async () => {
        if (skip) return
        hook = await receiver()
        server = await startServer(`webhooks-${name}-server`, { YQYB_WEBHOOK_ALLOW: '127.0.0.1' })
        browser = await launchBrowser(name)
      })
      after(async () => {
        await browser?.close()
        await server?.stop()
        await hook?.close()
      })

      it('registers a receiver, delivers a submission signed with the secret shown once, and logs it', { skip }, async () => {
        const page = await browser.newPage()
        try {
          await loginAs(page, server, ADMIN)
          await openMenu(page, '系统管理', 'sys:webhook')
          await page.waitFor(() => location.pathname === '/system/webhooks')
          await clickStill(page, '[data-test="webhook-create"]')
          await settle(page, '[data-test="webhook-create-dialog"]')
          await fill(page, '[data-test="webhook-create-dialog"] input[name="url"]', hook.url)
          // 排查提交 and 隐患登记 come ticked; this receiver wants submissions only.
          await clickVisible(page, '[data-test="webhook-types"] .el-checkbox', '隐患登记')
          const ticked = await page.evaluate(() => Array.from(document.querySelectorAll('[data-test="webhook-types"] .el-checkbox.is-checked')).map((e) => e.innerText.trim()))
          assert.deepEqual(ticked, ['排查提交'])
          await clickStill(page, '[data-test="webhook-submit"]')
          await settle(page, '[data-test="webhook-secret-dialog"]')
          const secret = (await page.text('[data-test="webhook-secret"]')).trim()
          assert.ok(secret.length >= 16, `secret ${JSON.stringify(secret)}`)
          await page.screenshot('webhook-secret-once')
          await clickStill(page, '[data-test="webhook-secret-close"]')
          await waitHidden(page, '[data-test="webhook-secret-dialog"]')
          await waitRow(page, 'webhook-table', hook.url)
          assert.ok(!(await page.text('[data-test="webhook-table"]')).includes(secret), 'the list shows the secret')

          // A post user submits an inspection: the receiver gets inspection.submitted, signed.
          const admin = await token(server, ADMIN)
          await must(server, 'POST', '/api/v1/standard', { from_template: true }, admin)
          const std = await must(server, 'GET', '/api/v1/standard', undefined, admin)
          const posts = await must(server, 'GET', '/api/v1/post-options', undefined, admin)
          const post = posts.find((p) => p.name === '叉车司机')
          const items = std.categories.flatMap((c) => c.items).filter((i) => !i.is_major).slice(0, 2)
          const list = await must(server, 'POST', '/api/v1/checklists', { name: `推送-${name}`, frequency: 'daily', post_id: post.id, item_ids: items.map((i) => i.id) }, admin)
          const fork = await token(server, FORKLIFT)
          const insp = await must(server, 'POST', `/api/v1/my/checklists/${list.id}/inspection`, undefined, fork)
          await must(server, 'POST', `/api/v1/inspections/${insp.id}/submit`, { answers: insp.answers.map((a) => ({ item_id: a.item_id, result: 'ok' })) }, fork)

          const deadline = Date.now() + 60_000
          while (!hook.got.some((r) => r.headers['x-yqyb-event-type'] === 'inspection.submitted') && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 250))
          }
          const delivered = hook.got.find((r) => r.headers['x-yqyb-event-type'] === 'inspection.submitted')
          assert.ok(delivered, `no inspection.submitted delivered; got ${hook.got.map((r) => r.headers['x-yqyb-event-type']).join(', ')}`)
          assert.ok(signed(secret, delivered), 'the signature does not verify with the secret shown')
          assert.ok(!signed('another-secret-of-16', delivered), 'a wrong secret verifies')
          const event = JSON.parse(delivered.body.toString('utf8'))
          assert.equal(event.type, 'inspection.submitted')
          assert.equal(event.entity_id, insp.id)
          assert.equal(String(event.id), delivered.headers['x-yqyb-event-id'])
          // Only the event types asked for.
          assert.ok(hook.got.every((r) => r.headers['x-yqyb-event-type'] === 'inspection.submitted'))

          // The delivery log: delivered, with the receiver's 200.
          await clickStill(page, '[data-test="webhook-log"]')
          await settle(page, '[data-test="webhook-log-drawer"]')
          await page.waitFor(() => Array.from(document.querySelectorAll('[data-test="delivery-status"]')).some((e) => e.innerText.trim() === '已送达'))
          assert.match(await page.text('[data-test="webhook-deliveries"]'), /200/)
          await page.screenshot('webhook-delivery-log')
        } finally {
          await page.close()
        }
      })

      it('shows the receivers as cards on a phone', { skip }, async () => {
        const page = await browser.newPage({ width: 390, height: 844, phone: true })
        try {
          await page.login(server, 'personal', ADMIN, 'Demo@2026')
          await page.goto(`${server.url}/system/webhooks`)
          await page.waitForSelector('[data-test="webhooks-page"] .phone-cards [data-test="webhook-url"]')
          const fit = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)
          assert.ok(fit <= 0, `the page is ${fit}px wider than the screen`)
          await page.screenshot('webhooks-phone')
        } finally {
          await page.close()
        }
      })
    })
  }
})
