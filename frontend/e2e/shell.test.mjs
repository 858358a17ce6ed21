// The SPA shell in real browsers against the real backend: login page, server error messages, 404.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, binarySkip, browserMatrix, launchBrowser, PRODUCT_NAME, startServer } from './lib/harness.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()

// Skips are set on each test (not on the suites) so the runner counts them as skipped tests.
describe('SPA shell', () => {
  let server
  before(async () => {
    if (noBinary || matrix.every((b) => b.skip)) return
    server = await startServer('shell-server')
  })
  after(async () => {
    await server?.stop()
  })

  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let browser
      before(async () => {
        if (skip) return
        browser = await launchBrowser(name)
      })
      after(async () => {
        await browser?.close()
      })

      it('shows the login page with both tabs and the title', { skip }, async () => {
        const page = await browser.newPage()
        try {
          await page.goto(`${server.url}/login`)
          await page.waitForText('个人用户登录')
          await page.waitForText('企业用户登录')
          assert.equal(await page.title(), PRODUCT_NAME)
          const heading = await page.text('h1')
          assert.equal(heading, PRODUCT_NAME)
          // The help text below the form comes from the FAQ.
          await page.waitForText('登录企业管理账号')
          await page.screenshot('login')
          await page.clickText('.el-tabs__item', '企业用户登录')
          await page.waitForText('企业名称前五个字首字母大写')
          await page.waitFor(() => document.querySelector('.el-tabs__item.is-active')?.textContent.trim() === '企业用户登录')
          await new Promise((r) => setTimeout(r, 400)) // let the tab underline finish moving
          await page.screenshot('login-enterprise')
        } finally {
          await page.close()
        }
      })

      it('fits a 360 px wide phone screen', { skip }, async () => {
        const page = await browser.newPage({ width: 360, height: 740 })
        try {
          await page.goto(`${server.url}/login`)
          await page.waitForText('个人用户登录')
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
          assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
          await page.screenshot('login-360px')
        } finally {
          await page.close()
        }
      })

      it('shows the server\'s Chinese message for a wrong password', { skip }, async () => {
        const username = `不存在的企业${name}${Date.now()}`
        // What the server itself says for these credentials; the page must show exactly that.
        const direct = await apiCall(server, 'POST', '/api/v1/auth/login', {
          mode: 'personal',
          username,
          password: 'Wrong#Password1',
        })
        assert.equal(direct.status, 401, `POST /api/v1/auth/login answered ${direct.status}: ${direct.text}`)
        assert.equal(direct.body?.code, 'invalid_credentials')
        assert.match(direct.body.message, /[\u4e00-\u9fff]/, 'the message is Chinese')

        const page = await browser.newPage()
        try {
          await page.goto(`${server.url}/login`)
          await page.type('input[name="username"]', username)
          await page.type('input[name="password"]', 'Wrong#Password1')
          await page.click('[data-test="login-submit"]')
          await page.waitForSelector('[data-test="login-error"]')
          const shown = await page.text('[data-test="login-error"]')
          assert.equal(shown.trim(), direct.body.message)
          assert.ok(new URL(page.url()).pathname === '/login', 'stays on the login page')
          await page.screenshot('login-wrong-password')
        } finally {
          await page.close()
        }
      })

      it('shows the 404 page for an unknown route', { skip }, async () => {
        const page = await browser.newPage()
        try {
          await page.goto(`${server.url}/no/such/page`)
          await page.waitForText('页面不存在')
          assert.equal(await page.title(), `页面不存在 - ${PRODUCT_NAME}`)
          await page.screenshot('not-found')
        } finally {
          await page.close()
        }
      })
    })
  }
})
