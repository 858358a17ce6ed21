// Every page a post user and an enterprise admin reach, on a phone (390×844, touch): nothing is wider than the
// screen, lists are cards whose key fields are on screen, filters sit behind one 筛选 button in a sheet, and
// dialogs are full-screen sheets. The pages are not a hand list: they are the leaves of the menu the server
// gives each account (GET /api/v1/me), the links of the page header, the 修改密码 entry of the user menu, and
// the detail pages the first card of each list opens.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, apiLogin, binarySkip, browserMatrix, DEMO, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'
import { ADMIN, FORKLIFT, must, token } from './lib/work.mjs'

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

/** The whole page (for the record) and its first screen (to look at). */
async function shot(page, name) {
  const full = await page.screenshot(name)
  await page.raw.screenshot({ path: full.replace(/\.png$/, '-screen.png'), fullPage: false })
}

async function assertFits(page, role, what) {
  const fit = await page.evaluate(widest)
  assert.ok(fit.scroll <= fit.inner, `${role}: ${what} is ${fit.scroll - fit.inner}px wider than the screen: ${fit.offenders.join('; ')}`)
}

async function open(page, server, path) {
  await page.goto(`${server.url}${path}`)
  // The signed-in frame, the manual's own frame, or the password form.
  await page.waitForSelector('[data-test="menu-toggle"], [data-test="help"], [data-test="password-submit"]')
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
  await shot(page, `phone-pages-${role}-${slug(path)}-filters`)
  await page.tap('[data-test="filters-sheet"] [data-test="search"]')
  await page.waitFor(() => {
    const d = document.querySelector('[data-test="filters-sheet"]')
    return !d || d.getClientRects().length === 0
  })
  await quiet(page)
}

/**
 * What a page leads to: the first card's title link and its open/view/edit buttons, and the list's create
 * buttons. Each is a selector of one element; they lead to another page or open a dialog.
 */
function leadsTo() {
  const out = []
  const row = document.querySelector('.phone-cards .el-table__body tr.el-table__row')
  const mark = (el, i) => {
    el.setAttribute('data-e2e-lead', String(i))
    out.push({ sel: `[data-e2e-lead="${i}"]`, what: el.getAttribute('data-test') || el.textContent.trim() })
  }
  let i = 0
  if (row) {
    const title = row.querySelector('td[data-card-title] :is(a, .el-link)')
    if (title) mark(title, i++)
    for (const b of Array.from(row.querySelectorAll('button[data-test]'))) {
      if (/-(open|view|edit|detail|detail-open)$/.test(b.getAttribute('data-test')) && b.getClientRects().length) mark(b, i++)
    }
  }
  for (const b of Array.from(document.querySelectorAll('.list-page__actions button[data-test], .layout__main button[data-test$="-create"]'))) {
    if (/-(create|register)$/.test(b.getAttribute('data-test')) && b.getClientRects().length && !b.disabled) mark(b, i++)
  }
  return out
}

const dialogShown = () =>
  Array.from(document.querySelectorAll('.el-dialog, .el-drawer.rtl, .el-drawer.btt')).find((d) => d.getClientRects().length > 0 && !d.closest('.layout__drawer'))

/**
 * Follows what the list page at `path` leads to: a new page is checked to fit the screen; a dialog or drawer
 * is checked to be a full-screen sheet that fits. Returns the pages reached.
 */
async function followLeads(page, server, role, path, seen) {
  const reached = []
  const leads = await page.evaluate(leadsTo)
  for (const [n, lead] of leads.entries()) {
    if (seen.has(`lead:${lead.what}`)) continue
    seen.add(`lead:${lead.what}`)
    if (n > 0) {
      await open(page, server, path)
      await page.evaluate(leadsTo)
    }
    const before = await page.path()
    await page.tap(lead.sel)
    try {
      await page.waitFor(
        ([p]) => location.pathname !== p || Array.from(document.querySelectorAll('.el-dialog, .el-drawer.rtl, .el-drawer.btt')).some((d) => d.getClientRects().length > 0 && !d.closest('.layout__drawer')),
        [before],
        5_000,
      )
    } catch {
      continue // it did something else (a download, a confirmation)
    }
    await new Promise((r) => setTimeout(r, 500)) // a dialog zooms in
    await quiet(page)
    const at = await page.path()
    if (at !== before) {
      const shape = at.replace(/\/\d+(?=\/|$)/g, '/:id')
      if (seen.has(shape)) continue
      seen.add(shape)
      reached.push(at)
      await assertFits(page, role, `${at} (opened by ${lead.what} on ${path})`)
      await shot(page, `phone-pages-${role}-${slug(shape)}`)
    } else {
      const box = await page.evaluate(() => {
        const d = Array.from(document.querySelectorAll('.el-dialog, .el-drawer.rtl, .el-drawer.btt')).find((e) => e.getClientRects().length > 0 && !e.closest('.layout__drawer'))
        const r = d.getBoundingClientRect()
        return { left: r.left, width: r.width, w: window.innerWidth, scroll: d.scrollWidth, client: d.clientWidth }
      })
      assert.ok(box.left <= 0.5 && box.width >= box.w - 1, `${role}: ${lead.what} on ${path} opens a dialog that is not a full-width sheet: ${JSON.stringify(box)}`)
      assert.ok(box.scroll <= box.client + 1, `${role}: ${lead.what} on ${path} opens a dialog wider than the screen: ${JSON.stringify(box)}`)
      await assertFits(page, role, `${lead.what} on ${path}`)
      await shot(page, `phone-pages-${role}-${slug(path)}-${slug(lead.what)}`)
    }
  }
  return reached
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
    await shot(page, `phone-pages-${role}-${slug(path)}`)

    if (cards[path]) await assertCard(page, role, path, cards[path])
    if (await page.evaluate(() => !!document.querySelector('[data-test="filters-open"]'))) await checkFilterSheet(page, role, path)

    // The pages and dialogs the list leads to.
    visited.push(...(await followLeads(page, server, role, path, seen)))
  }
  return visited
}

describe('phone: every page of a post user and an enterprise admin', () => {
  let server
  before(async () => {
    if (noBinary || matrix.every((b) => b.skip)) return
    server = await startServer('phone-pages-server')

    // Something in the lists: the mall's standard, a daily checklist of the forklift driver's post, and his
    // submitted inspection that found a general hazard.
    const admin = await token(server, ADMIN)
    await must(server, 'POST', '/api/v1/standard', { from_template: true }, admin)
    const std = await must(server, 'GET', '/api/v1/standard', undefined, admin)
    const posts = await must(server, 'GET', '/api/v1/post-options', undefined, admin)
    const grades = await must(server, 'GET', '/api/v1/hazard-grades', undefined, admin)
    const post = posts.find((p) => p.name === '叉车司机')
    const general = grades.find((g) => g.legal_level === 'general')
    assert.ok(post && general, JSON.stringify({ posts, grades }))
    const items = std.categories.flatMap((c) => c.items).slice(0, 3)
    const list = await must(server, 'POST', '/api/v1/checklists', { name: '叉车每日排查清单', frequency: 'daily', post_id: post.id, item_ids: items.map((i) => i.id) }, admin)
    const fork = await token(server, FORKLIFT)
    const insp = await must(server, 'POST', `/api/v1/my/checklists/${list.id}/inspection`, undefined, fork)
    const answers = insp.answers.map((a, i) =>
      i === 0 ? { item_id: a.item_id, result: 'hazard', description: '叉车充电区灭火器压力不足', grade_code: general.code, location: '一层仓库充电区' } : { item_id: a.item_id, result: 'ok' },
    )
    const submitted = await must(server, 'POST', `/api/v1/inspections/${insp.id}/submit`, { answers }, fork)
    assert.equal(submitted.status, 'submitted')
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
          const visited = await checkRole(page, server, 'post', FORKLIFT, { '/hazards': HAZARD_KEYS, '/inspections/history': INSPECTION_KEYS })
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
          await shot(page, 'phone-pages-admin-hazard-register-dialog')
        } finally {
          await page.close()
        }
      })
    })
  }
})
