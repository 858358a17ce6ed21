// Weak signal and offline, on a phone (390×844, touch): answers entered without a connection stay on the
// device (IndexedDB) and show as N 项未同步, and sync in order when it returns; a submission whose answer
// was lost on the way back is retried with its idempotency key and makes one submission; a period that
// closed while the phone was offline shows the server's 不可以补录 message and keeps the local draft; a
// session that ended while offline sends the user to 登录 and what the device kept syncs after signing in.
// Chromium goes offline with playwright's context.setOffline; Firefox ESR (puppeteer over WebDriver BiDi)
// by request interception that fails the API writes, and its dropped answer is made in the interception
// (the request sent from node, the browser's own request then reset).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, binarySkip, browserMatrix, launchBrowser, startServer } from './lib/harness.mjs'
import { ADMIN, FORKLIFT, confirmBox, must, setClock, token } from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()
const PHONE = { width: 390, height: 844, phone: true }

/** Network switch of a page: offline (every API call fails) or online, in either browser. */
async function network(page) {
  const state = { offline: false, dropSubmit: 0 }
  if (page.isPlaywright) {
    await page.raw.route('**/api/v1/**', async (route) => {
      const req = route.request()
      if (state.dropSubmit > 0 && req.method() === 'POST' && /\/inspections\/\d+\/submit$/.test(req.url())) {
        state.dropSubmit--
        await route.fetch() // the request reaches the server and is carried out…
        await route.abort('connectionreset') // …but its answer never reaches the phone
        return
      }
      await route.fallback()
    })
  } else {
    // Puppeteer over WebDriver BiDi cannot let a request through and then drop its answer, so the dropped
    // answer is made here: the browser's submit is held, sent to the server from node with the browser's
    // own headers (token, Idempotency-Key) and body, and once the server has answered, the browser's request
    // fails as a reset connection would. Offline is request interception that fails the writes (reads pass,
    // so pages still load their lists).
    await page.raw.setRequestInterception(true)
    page.raw.on('request', async (req) => {
      if (req.isInterceptResolutionHandled()) return
      const write = req.method() !== 'GET' && req.method() !== 'HEAD'
      if (state.dropSubmit > 0 && req.method() === 'POST' && /\/inspections\/\d+\/submit$/.test(req.url())) {
        state.dropSubmit--
        const headers = {}
        for (const [k, v] of Object.entries(req.headers())) {
          if (['authorization', 'content-type', 'idempotency-key', 'accept', 'accept-language'].includes(k.toLowerCase())) headers[k] = v
        }
        const res = await fetch(req.url(), { method: 'POST', headers, body: await req.fetchPostData() })
        state.droppedAnswer = { status: res.status, key: headers['idempotency-key'] ?? headers['Idempotency-Key'], body: await res.text() }
        return req.abort('connectionreset')
      }
      if (state.offline && write && req.url().includes('/api/v1/') && !req.url().includes('/api/v1/auth/')) return req.abort('internetdisconnected')
      return req.continue()
    })
  }
  return {
    state,
    dropNextSubmit() {
      state.dropSubmit = 1
    },
    dropped() {
      return state.dropSubmit === 0
    },
    async set(offline) {
      state.offline = offline
      if (page.isPlaywright) await page.raw.context().setOffline(offline)
      else if (!offline) await page.evaluate(() => window.dispatchEvent(new Event('online'))) // interception cannot flip navigator.onLine
    },
  }
}

async function openForm(page, server, id) {
  await page.goto(`${server.url}/inspections/${id}`)
  await page.waitForSelector('[data-test="inspection-actions"]')
  await page.waitForSelector('[data-test="result-ok"]')
}

/** Answers every item 合格 in the list mode. */
async function answerAllOk(page) {
  const n = await page.evaluate(() => {
    const bs = Array.from(document.querySelectorAll('[data-test="result-ok"]'))
    bs.forEach((b) => b.click())
    return bs.length
  })
  assert.ok(n > 0, 'no 合格 buttons')
  return n
}

const badge = (page) => page.text('[data-test="offline-state"] [data-test="unsynced-badge"]')

describe('offline: a phone keeps what it could not send and syncs it', () => {
  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let server
      let browser
      const lists = {}
      let admin
      let fork

      before(async () => {
        if (skip) return
        server = await startServer(`offline-${name}-server`)
        browser = await launchBrowser(name)
        admin = await token(server, ADMIN)
        await must(server, 'POST', '/api/v1/standard', { from_template: true }, admin)
        const std = await must(server, 'GET', '/api/v1/standard', undefined, admin)
        const posts = await must(server, 'GET', '/api/v1/post-options', undefined, admin)
        const post = posts.find((p) => p.name === '叉车司机')
        const items = std.categories.flatMap((c) => c.items).filter((i) => !i.is_major).slice(0, 3)
        for (const key of ['sync', 'dropped', 'closed', 'relogin']) {
          lists[key] = await must(server, 'POST', '/api/v1/checklists', { name: `离线-${key}`, frequency: 'daily', post_id: post.id, item_ids: items.map((i) => i.id) }, admin)
        }
        fork = await token(server, FORKLIFT)
      })
      after(async () => {
        await browser?.close()
        await server?.stop()
      })

      async function phone() {
        const page = await browser.newPage(PHONE)
        await page.login(server, 'personal', FORKLIFT, 'Demo@2026')
        await page.evaluate(() => localStorage.setItem('yqyb.inspection.mode', 'list'))
        return page
      }

      it('answers entered offline stay on the device, show as unsynced, sync on reconnect and are submitted', { skip }, async () => {
        const insp = await must(server, 'POST', `/api/v1/my/checklists/${lists.sync.id}/inspection`, undefined, fork)
        const page = await phone()
        try {
          const net = await network(page)
          await openForm(page, server, insp.id)
          await net.set(true)
          const n = await answerAllOk(page)
          await page.click('[data-test="inspection-save"]')
          await page.waitFor((k) => !!document.querySelector(k), '[data-test="offline-state"] [data-test="unsynced-badge"]')
          assert.equal((await badge(page)).trim(), `${n} 项未同步`)
          await page.screenshot('offline-unsynced')
          // Nothing reached the server; the device holds it.
          let server1 = await must(server, 'GET', `/api/v1/inspections/${insp.id}`, undefined, fork)
          assert.equal(server1.answers.filter((a) => a.result).length, 0)
          // The post user's list says so too.
          await page.evaluate(() => history.pushState({}, '', '/inspections'))
          await page.evaluate(() => window.dispatchEvent(new PopStateEvent('popstate')))
          await page.waitForText(`${n} 项未同步`)

          await net.set(false)
          // The queue sends on reconnect: the answers reach the server (the list may redraw meanwhile, so the
          // badge's absence alone proves nothing), and then the list no longer says 未同步.
          const deadline = Date.now() + 30_000
          for (;;) {
            server1 = await must(server, 'GET', `/api/v1/inspections/${insp.id}`, undefined, fork)
            if (server1.answers.filter((a) => a.result === 'ok').length === n || Date.now() > deadline) break
            await new Promise((r) => setTimeout(r, 250))
          }
          assert.equal(server1.answers.filter((a) => a.result === 'ok').length, n)
          await page.waitFor(() => !document.querySelector('[data-test="unsynced-badge"]'), undefined, 15_000)

          await openForm(page, server, insp.id)
          await page.click('[data-test="inspection-submit"]')
          await confirmBox(page)
          await page.waitFor((id) => location.pathname === `/inspections/${id}/result`, insp.id, 20_000)
          const done = await must(server, 'GET', `/api/v1/inspections/${insp.id}`, undefined, fork)
          assert.equal(done.status, 'submitted')
        } finally {
          await page.close()
        }
      })

      it('a submit whose answer was lost is retried with its key and makes exactly one submission and one hazard', { skip }, async () => {
        const insp = await must(server, 'POST', `/api/v1/my/checklists/${lists.dropped.id}/inspection`, undefined, fork)
        const grades = await must(server, 'GET', '/api/v1/hazard-grades', undefined, admin)
        const general = grades.find((g) => g.legal_level === 'general')
        const subject = `叉车右前轮胎面磨损-${name}`
        await must(server, 'PUT', `/api/v1/inspections/${insp.id}/answers`, {
          answers: insp.answers.map((a, i) => (i === 0 ? { item_id: a.item_id, result: 'hazard', description: subject, grade_code: general.code } : { item_id: a.item_id, result: 'ok' })),
        }, fork)
        const page = await phone()
        try {
          const net = await network(page)
          await openForm(page, server, insp.id)
          net.dropNextSubmit()
          await page.click('[data-test="inspection-submit"]')
          await confirmBox(page)
          // The first answer is lost; the queue sends the same request with the same key and gets the
          // first answer replayed.
          await page.waitFor((id) => location.pathname === `/inspections/${id}/result`, insp.id, 30_000)
          assert.ok(net.dropped(), 'the submit was never dropped')
          if (!page.isPlaywright) assert.equal(net.state.droppedAnswer.status, 200, net.state.droppedAnswer.body) // the server did carry out the lost one
          const done = await must(server, 'GET', `/api/v1/inspections/${insp.id}`, undefined, fork)
          assert.equal(done.status, 'submitted')
          const records = await must(server, 'GET', `/api/v1/inspections?checklist_id=${lists.dropped.id}`, undefined, admin)
          assert.equal(records.items.filter((r) => r.checklist_name === lists.dropped.name).length, 1, JSON.stringify(records.items))
          const hazards = await must(server, 'GET', `/api/v1/hazards?q=${encodeURIComponent(subject)}`, undefined, admin)
          assert.equal(hazards.total, 1, JSON.stringify(hazards.items))
          await page.screenshot('offline-dropped-submit-result')
        } finally {
          await page.close()
        }
      })

      it('a period that closed while offline shows 不可以补录 and keeps the local draft', { skip }, async () => {
        const insp = await must(server, 'POST', `/api/v1/my/checklists/${lists.closed.id}/inspection`, undefined, fork)
        const page = await phone()
        try {
          const net = await network(page)
          await openForm(page, server, insp.id)
          await net.set(true)
          const n = await answerAllOk(page)
          await page.click('[data-test="inspection-save"]')
          await page.waitFor((k) => !!document.querySelector(k), '[data-test="offline-state"] [data-test="unsynced-badge"]')
          // While the phone is offline the period ends (the development clock moves past its deadline).
          await setClock(server, new Date(new Date(insp.period.deadline).getTime() + 60_000))
          await net.set(false)
          await page.waitForSelector('[data-test="period-closed"]', 30_000)
          const closed = await page.text('[data-test="period-closed"]')
          assert.match(closed, /不可以补录/)
          await page.waitForSelector('[data-test="local-draft-kept"]')
          assert.match(await page.text('[data-test="local-draft-kept"]'), new RegExp(`${n} 项`))
          await page.screenshot('offline-closed-draft-kept')
          // A reload still shows the draft kept on the device, read-only.
          await page.goto(`${server.url}/inspections/${insp.id}`)
          await page.waitForSelector('[data-test="local-draft-kept"]')
          await page.waitForSelector('[data-test="period-closed"]')
          const shown = await page.evaluate(() => document.querySelectorAll('[data-test="answer-result"]').length)
          assert.equal(shown, n)
          const onServer = await apiCall(server, 'GET', `/api/v1/inspections/${insp.id}`, undefined, await token(server, FORKLIFT))
          assert.equal(onServer.body.answers.filter((a) => a.result).length, 0)
        } finally {
          await page.close()
        }
      })
      it('a session that ended while offline sends the user to 登录; after signing in again the kept answers sync', { skip }, async () => {
        // A fresh token: the closed-period case moved the development clock past the earlier one's expiry.
        const insp = await must(server, 'POST', `/api/v1/my/checklists/${lists.relogin.id}/inspection`, undefined, await token(server, FORKLIFT))
        const page = await phone()
        try {
          const net = await network(page)
          await openForm(page, server, insp.id)
          await net.set(true)
          const n = await answerAllOk(page)
          await page.click('[data-test="inspection-save"]')
          await page.waitFor((k) => !!document.querySelector(k), '[data-test="offline-state"] [data-test="unsynced-badge"]')
          assert.equal((await badge(page)).trim(), `${n} 项未同步`)

          // While the phone is offline its session ends: the login session behind the refresh cookie is
          // revoked (signed out elsewhere) and the 15-minute access token expires (the development clock
          // moves on 16 minutes).
          // All the context's cookies: the refresh cookie's path is /api/v1/auth, not the page's.
          const cookies = page.isPlaywright ? await page.raw.context().cookies() : await page.raw.browserContext().cookies()
          const refresh = cookies.find((c) => c.name === 'yqyb_refresh')
          assert.ok(refresh, `no refresh cookie among ${cookies.map((c) => c.name).join(', ')}`)
          const out = await apiCall(server, 'POST', '/api/v1/auth/logout', { refresh_token: refresh.value })
          assert.equal(out.status, 204, JSON.stringify(out.body))
          const clock = await must(server, 'GET', '/api/v1/dev/clock').catch(() => null)
          const now = clock?.now ? new Date(clock.now) : new Date()
          await setClock(server, new Date(now.getTime() + 16 * 60_000))

          // The connection returns: the sync is refused (401), the refresh too, and the user is sent to 登录.
          await net.set(false)
          await page.waitFor(() => location.pathname === '/login', undefined, 30_000)
          await page.screenshot('offline-session-ended-login')
          let onServer = await must(server, 'GET', `/api/v1/inspections/${insp.id}`, undefined, await token(server, FORKLIFT))
          assert.equal(onServer.answers.filter((a) => a.result).length, 0, 'nothing synced before signing in again')

          // Signing in again sends what the device kept, with the keys it was queued with.
          await page.login(server, 'personal', FORKLIFT, 'Demo@2026')
          const deadline = Date.now() + 30_000
          for (;;) {
            onServer = await must(server, 'GET', `/api/v1/inspections/${insp.id}`, undefined, await token(server, FORKLIFT))
            if (onServer.answers.filter((a) => a.result === 'ok').length === n || Date.now() > deadline) break
            await new Promise((r) => setTimeout(r, 500))
          }
          assert.equal(onServer.answers.filter((a) => a.result === 'ok').length, n)
          await openForm(page, server, insp.id)
          await page.waitFor(() => !document.querySelector('[data-test="unsynced-badge"]'), undefined, 30_000)
        } finally {
          await page.close()
        }
      })
    })
  }
})
