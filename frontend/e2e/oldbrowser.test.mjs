// A browser that cannot run the bundle (an old Chromium kernel, 360 in a mode that cannot parse modern syntax)
// gets index.html's Chinese explanation instead of a blank page. The browser is made "old" by answering the
// app's entry script with a body it cannot parse, which is what such a browser meets in the real bundle.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { binarySkip, browserMatrix, launchBrowser, startServer } from './lib/harness.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()

// Syntax no engine parses: what an old engine sees in code written for newer ones.
const UNPARSEABLE = 'export const broken = ;\n'

/** Answers requests whose URL ends with `path` with `body` as JavaScript; everything else goes through. */
async function answerScript(page, path, body) {
  const matches = (url) => new URL(url).pathname === path
  if (page.isPlaywright) {
    await page.raw.route(matches, (route) => route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body }))
    return
  }
  await page.raw.setRequestInterception(true)
  page.raw.on('request', (req) => {
    if (req.isInterceptResolutionHandled()) return
    if (matches(req.url())) req.respond({ status: 200, contentType: 'text/javascript; charset=utf-8', body })
    else req.continue()
  })
}

describe('old browsers', () => {
  let server
  let entry
  before(async () => {
    if (noBinary || matrix.every((b) => b.skip)) return
    server = await startServer('oldbrowser-server')
    const html = await (await fetch(`${server.url}/login`)).text()
    entry = /<script type="module"[^>]*src="([^"]+)"/.exec(html)?.[1]
    assert.ok(entry, `no module script in index.html:\n${html}`)
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

      it('explains how to switch to 极速模式 when the bundle cannot be parsed', { skip }, async () => {
        const page = await browser.newPage({ width: 390, height: 844 })
        try {
          await answerScript(page, entry, UNPARSEABLE)
          await page.goto(`${server.url}/login`)
          await page.waitForText('浏览器版本过低')
          const text = await page.text('#app')
          assert.match(text, /360 浏览器切换极速模式/)
          assert.match(text, /火狐（Firefox）/)
          assert.ok(!text.includes('个人用户登录'), 'the login form showed although the bundle could not run')
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
          assert.ok(overflow <= 0, `the explanation is ${overflow}px wider than the phone`)
          await page.screenshot('phone-old-browser')
        } finally {
          await page.close() // fails on a CSP violation: the inline check must be allowed by its hash
        }
      })

      it('stays silent in a browser that runs the app', { skip }, async () => {
        const page = await browser.newPage({ width: 390, height: 844 })
        try {
          await page.goto(`${server.url}/login`)
          await page.waitForText('个人用户登录')
          // An error after start-up is the app's to handle, not a reason to replace the page.
          await page.evaluate(() => setTimeout(() => { throw new Error('late failure') }, 0))
          await new Promise((r) => setTimeout(r, 300))
          const text = await page.text('#app')
          assert.ok(!text.includes('浏览器版本过低'), 'the old-browser explanation showed in a working browser')
          assert.ok(text.includes('个人用户登录'))
        } finally {
          await page.close()
        }
      })
    })
  }
})
