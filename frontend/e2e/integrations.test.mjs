// Integrators' keys in the browser: the enterprise admin makes an API key on 系统管理 → API密钥, sees it once,
// a machine reads a list with it and is refused a write outside its scope; revoking it in the page shuts it
// out at once. The same page at phone width shows each key as a card.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, binarySkip, browserMatrix, launchBrowser, startServer } from './lib/harness.mjs'
import { ADMIN, clickStill, confirmBox, fill, loginAs, openMenu, settle, waitHidden, waitRow } from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()

/** A call made with an API key instead of a person's token. */
const withKey = (server, method, path, body, key) => apiCall(server, method, path, body, key)

describe('API keys for integrators', () => {
  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let server
      let browser
      before(async () => {
        if (skip) return
        server = await startServer(`integrations-${name}-server`)
        browser = await launchBrowser(name)
      })
      after(async () => {
        await browser?.close()
        await server?.stop()
      })

      it('makes a read-only key, shows it once, lets it read lists but not write, and revokes it', { skip }, async () => {
        const page = await browser.newPage()
        const keyName = `区平台对接-${name}`
        try {
          await loginAs(page, server, ADMIN)
          await openMenu(page, '系统管理', 'sys:apikey')
          await page.waitFor(() => location.pathname === '/system/api-keys')
          await page.waitForSelector('[data-test="api-keys-page"]')

          await clickStill(page, '[data-test="api-key-create"]')
          await settle(page, '[data-test="api-key-form-dialog"]')
          await fill(page, 'input[name="api_key_name"]', keyName)
          await clickStill(page, '[data-test="api-key-scope-lists:read"]')
          await clickStill(page, '[data-test="api-key-form-submit"]')
          await settle(page, '[data-test="temp-password-dialog"]')
          const key = (await page.text('[data-test="temp-password"]')).trim()
          assert.match(key, /^yqyb_[A-Za-z0-9]{8}_[A-Za-z0-9]+$/)
          await page.screenshot('api-key-shown-once')
          await clickStill(page, '[data-test="temp-password-close"]')
          await waitHidden(page, '[data-test="temp-password-dialog"]')

          // The list names the key by its prefix, never the key itself.
          await waitRow(page, 'api-keys-table', keyName)
          const prefix = key.split('_').slice(0, 2).join('_')
          const listed = await page.text('[data-test="api-keys-table"]')
          assert.ok(listed.includes(prefix.replace(/^yqyb_/, '')), listed)
          assert.ok(!listed.includes(key), 'the list shows the whole key')

          // A machine with the key: lists yes, writes no.
          const read = await withKey(server, 'GET', '/api/v1/posts', undefined, key)
          assert.equal(read.status, 200, read.text)
          const write = await withKey(server, 'POST', '/api/v1/posts', { name: '对接新建岗位' }, key)
          assert.equal(write.status, 403, write.text)
          assert.equal(write.body.code, 'api_key_scope')

          // 吊销 in the page: the key is refused from then on.
          const id = await page.evaluate(
            (n) =>
              Array.from(document.querySelectorAll('[data-test="api-keys-table"] tr.el-table__row'))
                .find((tr) => tr.innerText.includes(n))
                ?.querySelector('[data-test^="api-key-revoke-"]')
                ?.getAttribute('data-test'),
            keyName,
          )
          assert.ok(id, 'no 吊销 button on the new key')
          await clickStill(page, `[data-test="${id}"]`)
          await confirmBox(page)
          const status = id.replace('api-key-revoke-', 'api-key-status-')
          await page.waitFor((s) => document.querySelector(`[data-test="${s}"]`)?.innerText.trim() === '已吊销', status)
          const after = await withKey(server, 'GET', '/api/v1/posts', undefined, key)
          assert.equal(after.status, 401, after.text)
          await page.screenshot('api-keys-revoked')
        } finally {
          await page.close()
        }
      })

      it('shows the keys as cards on a phone', { skip }, async () => {
        const page = await browser.newPage({ width: 390, height: 844, phone: true })
        try {
          await page.login(server, 'personal', ADMIN, 'Demo@2026')
          await page.goto(`${server.url}/system/api-keys`)
          await page.waitForSelector('[data-test="api-keys-page"] .phone-cards')
          const fit = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)
          assert.ok(fit <= 0, `the page is ${fit}px wider than the screen`)
          await page.screenshot('api-keys-phone')
        } finally {
          await page.close()
        }
      })
    })
  }
})
