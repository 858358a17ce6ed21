// Every page a post user and an enterprise admin reach, on a phone (390×844, touch): nothing is wider than the
// screen, lists are cards whose key fields are on screen, filters sit behind one 筛选 button in a sheet, and
// dialogs are full-screen sheets. The pages are not a hand list: they are the leaves of the menu the server
// gives each account (GET /api/v1/me), the links of the page header, the 修改密码 entry of the user menu, and
// the detail pages the first card of each list opens.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, apiLogin, binarySkip, browserMatrix, DEMO, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'
import { FORKLIFT } from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()
const PHONE = { width: 390, height: 844, phone: true }

/** Waits until the page's requests are answered and its content stopped changing. */
async function quiet(page) {
  let last = ''
  for (let i = 0; i < 60; i++) {
    const now = await page.evaluate(() => {
      const loading = Array.from(document.querySelectorAll('.el-loading-mask')).some((m) => m.getClientRects().length > 0)
      return loading ? '' : `${document.body.innerText.length}:${document.documentElement.scrollWidth}:${document.querySelectorAll('[data-label]').length}`
    })
    if (now && now === last) return
    last = now
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** The menu's leaves, in menu order. */
function leaves(nodes, out = []) {
  for (const n of nodes ?? []) {
    if (n.children?.length) leaves(n.children, out)
    else if (n.path) out.push(n.path)
  }
  return out
}

/** The pages an account reaches from the menu the server gives it; the header's own links come from the page. */
async function menuPages(server, username) {
  const token = await apiLogin(server, 'personal', username, DEMO_PASSWORD)
  const me = await apiCall(server, 'GET', '/api/v1/me', undefined, token)
  assert.equal(me.status, 200, me.text)
  const pages = leaves(me.body.menus)
  assert.ok(pages.length > 0, `${username} has no menu`)
  return pages
}

/** What makes the document wider than the screen (for the failure message). */
function widest() {
  const w = window.innerWidth
  const out = []
  for (const el of Array.from(document.body.querySelectorAll('*'))) {
    const r = el.getBoundingClientRect()
    if (r.width === 0 || r.right <= w + 0.5) continue
    // Only the outermost offender of each branch.
    if (el.parentElement && el.parentElement.getBoundingClientRect().right > w + 0.5) continue
    out.push(`${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} right=${Math.round(r.right)}`)
    if (out.length >= 6) break
  }
  return { scroll: document.documentElement.scrollWidth, inner: w, offenders: out }
}

const slug = (path) => path.replace(/^\//, '').replace(/[^\w-]+/g, '-') || 'home'

async function assertFits(page, role, what) {
  const fit = await page.evaluate(widest)
  assert.ok(fit.scroll <= fit.inner, `${role}: ${what} is ${fit.scroll - fit.inner}px wider than the screen: ${fit.offenders.join('; ')}`)
}

async function open(page, server, path) {
  await page.goto(`${server.url}${path}`)
  // The signed-in frame, or the manual's own frame.
  await page.waitForSelector('[data-test="menu-toggle"], [data-test="help"]')
  await quiet(page)
}

/** The labelled lines of the first card of the list on the page: label → { text, inside the screen }. */
function firstCard() {
  const row = document.querySelector('.phone-cards .el-table__body tr.el-table__row')
  if (!row) return null
  const w = window.innerWidth
  const out = {}
  for (const td of Array.from(row.querySelectorAll('td.el-table__cell'))) {
    const r = td.getBoundingClientRect()
    const shown = td.getClientRects().length > 0 && getComputedStyle(td).display !== 'none'
    out[td.hasAttribute('data-card-title') ? '@title' : td.dataset.label] = {
      label: td.dataset.label,
      text: td.innerText.trim(),
      shown,
      inside: shown && r.left >= -0.5 && r.right <= w + 0.5 && r.width > 40,
    }
  }
  return out
}

async function assertCard(page, role, path, keys) {
  const card = await page.evaluate(firstCard)
  assert.ok(card, `${role}: ${path} shows no card`)
  for (const key of keys) {
    const line = card[key]
    assert.ok(line, `${role}: the first card on ${path} has no ${key} line: ${JSON.stringify(card)}`)
    assert.ok(line.shown && line.inside, `${role}: ${key} on ${path} is not on screen: ${JSON.stringify(line)}`)
    assert.ok(line.text !== '', `${role}: ${key} on ${path} is empty`)
  }
}

/** Opens the list's 筛选 sheet and checks it covers the width of the screen with its filters, then closes it. */
async function checkFilterSheet(page, role, path) {
  assert.equal(await page.evaluate(() => !!document.querySelector('.list-page__filters')), false, `${role}: ${path} shows its filters inline on a phone`)
  await page.tap('[data-test="filters-open"]')
  await page.waitForSelector('[data-test="filters-sheet"] [data-test="search"]')
  await new Promise((r) => setTimeout(r, 400))
  const sheet = await page.evaluate(() => {
    const d = document.querySelector('[data-test="filters-sheet"]')
    const r = d.getBoundingClientRect()
    return { width: r.width, items: d.querySelectorAll('.el-form-item').length, screen: window.innerWidth }
  })
  assert.ok(sheet.width >= sheet.screen - 1 && sheet.items > 0, `${role}: the filter sheet of ${path}: ${JSON.stringify(sheet)}`)
  await assertFits(page, role, `${path} with its filter sheet`)
  await page.screenshot(`phone-pages-${role}-${slug(path)}-filters`)
  await page.tap('[data-test="filters-sheet"] [data-test="search"]')
  await page.waitFor(() => {
    const d = document.querySelector('[data-test="filters-sheet"]')
    return !d || d.getClientRects().length === 0
  })
  await quiet(page)
}

/** Taps the title link of the first card (if it is a link) and returns the page it led to, or null. */
async function followFirstCard(page) {
  const sel = '.phone-cards .el-table__body tr.el-table__row td[data-card-title] :is(a, .el-link)'
  const has = await page.evaluate((s) => !!document.querySelector(s), sel)
  if (!has) return null
  const before = await page.path()
  await page.tap(sel)
  try {
    await page.waitFor((p) => location.pathname !== p, before, 5_000)
  } catch {
    return null // the link opened something on the same page
  }
  await quiet(page)
  return page.path()
}

async function checkRole(page, server, role, username, cards) {
  await page.login(server, 'personal', username, DEMO_PASSWORD)
  await page.waitForSelector('[data-test="menu-toggle"]')
  await quiet(page)

  const paths = ['/', ...(await menuPages(server, username))]
  // The header's links (操作手册) and the user menu's 修改密码.
  for (const href of await page.evaluate(() => Array.from(document.querySelectorAll('.app-header a[href]')).map((a) => new URL(a.href).pathname))) {
    paths.push(href)
  }
  paths.push('/change-password')

  const seen = new Set()
  const shape = (p) => p.replace(/\/\d+(?=\/|$)/g, '/:id')
  const visited = []
  for (const path of paths) {
    if (seen.has(shape(path))) continue
    seen.add(shape(path))
    await open(page, server, path)
    const at = await page.path()
    visited.push(at)
    await assertFits(page, role, path)
    await page.screenshot(`phone-pages-${role}-${slug(path)}`)

    if (cards[path]) await assertCard(page, role, path, cards[path])
    if (await page.evaluate(() => !!document.querySelector('[data-test="filters-open"]'))) await checkFilterSheet(page, role, path)

    // The first card's detail page, when its title is a link.
    const detail = await followFirstCard(page)
    if (detail && !seen.has(shape(detail))) {
      seen.add(shape(detail))
      visited.push(detail)
      await assertFits(page, role, `${detail} (opened from ${path})`)
      await page.screenshot(`phone-pages-${role}-${slug(shape(detail))}`)
    }
  }
  return visited
}

describe('phone: every page of a post user and an enterprise admin', () => {
  let server
  before(async () => {
    if (noBinary || matrix.every((b) => b.skip)) return
    server = await startServer('phone-pages-server')
  })
  after(async () => {
    await server?.stop()
  })

  const HAZARD_KEYS = ['@title', '隐患名称', '等级 / 级别', '状态', '整改期限', '整改责任人']
  const INSPECTION_KEYS = ['@title', '清单', '状态']

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

      it('post user: every page fits the screen, lists are cards', { skip }, async () => {
        const page = await browser.newPage(PHONE)
        try {
          const visited = await checkRole(page, server, 'post', FORKLIFT, { '/inspections/history': INSPECTION_KEYS })
          assert.ok(visited.length >= 4, `the post user reached only ${visited.join(', ')}`)
        } finally {
          await page.close()
        }
      })

      it('enterprise admin: every page fits the screen, lists are cards, dialogs are sheets', { skip }, async () => {
        const page = await browser.newPage(PHONE)
        try {
          const visited = await checkRole(page, server, 'admin', DEMO.enterpriseAdmin.username, {
            '/hazards': HAZARD_KEYS,
            '/inspections/history': INSPECTION_KEYS,
          })
          assert.ok(visited.includes('/hazards') && visited.some((p) => /^\/hazards\/\d+$/.test(p)), `the admin never reached the ledger and a hazard: ${visited.join(', ')}`)

          // A dialog is a full-screen sheet: 登记隐患 on the ledger.
          await open(page, server, '/hazards')
          await page.tap('[data-test="hazard-register"]')
          await page.waitForSelector('.el-dialog')
          await new Promise((r) => setTimeout(r, 500))
          const dlg = await page.evaluate(() => {
            const d = Array.from(document.querySelectorAll('.el-dialog')).find((e) => e.getClientRects().length > 0)
            const r = d.getBoundingClientRect()
            return { left: r.left, top: r.top, width: r.width, height: r.height, w: window.innerWidth, h: window.innerHeight }
          })
          assert.ok(dlg.left <= 0.5 && dlg.top <= 0.5 && dlg.width >= dlg.w - 1 && dlg.height >= dlg.h - 1, `the dialog is not a full-screen sheet: ${JSON.stringify(dlg)}`)
          await assertFits(page, 'admin', 'the 登记隐患 dialog')
          await page.screenshot('phone-pages-admin-hazard-register-dialog')
        } finally {
          await page.close()
        }
      })
    })
  }
})
