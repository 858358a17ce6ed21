// The signed-in frame on a phone (390×844, touch, mobile viewport): the menu is an overlay drawer that ☰ opens
// and a tap on an entry closes; the page keeps the full width and nothing is wider than the screen.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { binarySkip, browserMatrix, DEMO, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'
import { FORKLIFT } from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()
const PHONE = { width: 390, height: 844, phone: true }

const drawerShown = () => {
  const d = document.querySelector('.layout__drawer')
  return !!d && d.getClientRects().length > 0
}

/** Waits until the page's requests are answered and its content stopped changing. */
async function quiet(page) {
  let last = ''
  for (let i = 0; i < 40; i++) {
    const now = await page.evaluate(() => {
      const loading = document.querySelectorAll('.el-loading-mask').length
      return loading ? '' : `${document.body.innerText.length}:${document.documentElement.scrollWidth}`
    })
    if (now && now === last) return
    last = now
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** How far the document is wider than the screen (0 or less: it fits). */
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

async function checkRole(page, server, role, username) {
  await page.login(server, 'personal', username, DEMO_PASSWORD)
  await page.goto(`${server.url}/`)
  await page.waitForSelector('[data-test="menu-toggle"]')
  await quiet(page)

  // No icon rail: the page has the whole width.
  assert.equal(await page.evaluate(() => document.querySelector('.layout__aside')), null, 'an icon rail beside the page')
  const main = await page.evaluate(() => {
    const r = document.querySelector('.layout__main').getBoundingClientRect()
    return { left: r.left, width: r.width, screen: window.innerWidth }
  })
  assert.ok(main.left <= 0.5 && main.width >= main.screen - 1, `the page is not full width: ${JSON.stringify(main)}`)
  assert.ok((await overflow(page)) <= 0, `${role}'s home page is ${await overflow(page)}px wider than the screen`)
  await page.screenshot(`phone-${role}-home`)

  // ☰ opens the drawer over the page.
  await page.tap('[data-test="menu-toggle"]')
  await page.waitFor(drawerShown)
  await page.waitForSelector('.layout__drawer .el-menu-item')
  await new Promise((r) => setTimeout(r, 400)) // let it finish sliding in
  assert.equal(await page.evaluate(() => document.querySelector('[data-test="menu-toggle"]').getAttribute('aria-expanded')), 'true')
  await page.screenshot(`phone-${role}-drawer`)

  // Tap an entry (opening its group first when every entry sits in one): the page changes, the drawer closes.
  let code = await page.evaluate(() => {
    const top = Array.from(document.querySelectorAll('.layout__drawer .side-menu > .el-menu > .el-menu-item[data-menu-code]'))
    return top.map((el) => el.dataset.menuCode).find((c) => c !== 'home') ?? null
  })
  if (!code) {
    await page.tap('.layout__drawer .el-sub-menu__title')
    await page.waitForSelector('.layout__drawer .el-sub-menu.is-opened .el-menu-item[data-menu-code]')
    code = await page.evaluate(() => document.querySelector('.layout__drawer .el-sub-menu.is-opened .el-menu-item[data-menu-code]').dataset.menuCode)
  }
  const before = await page.path()
  await page.tap(`.layout__drawer [data-menu-code="${code}"]`)
  await page.waitFor((p) => location.pathname !== p, before)
  await page.waitFor(() => {
    const d = document.querySelector('.layout__drawer')
    return !d || d.getClientRects().length === 0
  })
  await quiet(page)
  const after = await page.evaluate(() => {
    const r = document.querySelector('.layout__main').getBoundingClientRect()
    return { left: r.left, width: r.width, screen: window.innerWidth }
  })
  assert.ok(after.left <= 0.5 && after.width >= after.screen - 1, `after navigating the page is not full width: ${JSON.stringify(after)}`)
  await page.screenshot(`phone-${role}-after-menu`)

  // A reload never brings the drawer back.
  await page.goto(`${server.url}/`)
  await page.waitForSelector('[data-test="menu-toggle"]')
  await quiet(page)
  assert.equal(await page.evaluate(drawerShown), false, 'the drawer came back open after a reload')
  assert.ok((await overflow(page)) <= 0, `${role}'s home page is ${await overflow(page)}px wider than the screen after a reload`)
}

describe('phone layout', () => {
  let server
  before(async () => {
    if (noBinary || matrix.every((b) => b.skip)) return
    server = await startServer('phone-server')
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

      it('post user: drawer, full-width pages, nothing wider than the screen', { skip }, async () => {
        const page = await browser.newPage(PHONE)
        try {
          await checkRole(page, server, 'post', FORKLIFT)
        } finally {
          await page.close()
        }
      })

      it('enterprise admin: drawer, full-width pages, nothing wider than the screen', { skip }, async () => {
        const page = await browser.newPage(PHONE)
        try {
          await checkRole(page, server, 'admin', DEMO.enterpriseAdmin.username)
        } finally {
          await page.close()
        }
      })
    })
  }
})
