// What users see at the desk (issue 18), at 1366×768 in each browser: the 隐患等级分布 doughnut fits its
// card (its canvas inside the card, the legend within the canvas), and no page an enterprise admin or a
// district regulator visits shows English words or raw codes from a list of known offenders — a build
// hash, 开发环境, period keys such as 2026-W48 (in texts or input placeholders), audit object type codes,
// template codes, bare FAQ numbers. Screenshots of the dashboards, the ledger and the report are saved to
// e2e/artifacts/<browser>-desk-*.png.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { binarySkip, browserMatrix, DEMO, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'
import { ADMIN, ELECTRICIAN, loginAs, must, settle, token } from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()
const CHAOYANG = DEMO.districtRegulator.username
const DESK = { width: 1366, height: 768 }
const PHONE = { width: 390, height: 844 }
const CITY = DEMO.cityRegulator.username
// The charts on the enterprise admin's home.
const CHARTS = ['chart-trend', 'chart-levels', 'chart-grades']

// Known offenders: what users must never read.
const OFFENDERS = [
  // A commit: 7–12 hex digits with both letters and digits, standing alone (not inside a credit code).
  { name: 'build hash', re: /(^|[^0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,12}(-dirty)?($|[^0-9A-Za-z])/ },
  { name: '开发环境 badge', re: /开发环境/ },
  { name: 'period key', re: /\b\d{4}-(W\d{2}|\d{2}-H[12])\b/ },
  { name: 'bare FAQ number', re: /FAQ\s*\d/ },
  {
    name: 'object type or template code',
    re: /\b(hazard|inspection|standard_item|checklist|hazard_grade|department|enterprise|post|role|user|report|region|association|category|template_item|template_category|warehouse|retail|catering|manufacturing|development|production)\b/,
  },
]

/** Every offender on the page now: in visible text and in input placeholders. */
async function offenders(page) {
  const seen = await page.evaluate(() => {
    const text = document.body.innerText
    const placeholders = Array.from(document.querySelectorAll('input[placeholder], textarea[placeholder]'))
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => e.getAttribute('placeholder'))
    return [text, ...placeholders]
  })
  const found = []
  for (const s of seen) {
    for (const o of OFFENDERS) {
      const m = o.re.exec(s)
      if (m) found.push(`${o.name}: “${m[0].trim()}” in “${s.slice(Math.max(0, m.index - 30), m.index + 40).replace(/\s+/g, ' ')}”`)
    }
  }
  return found
}

/** Opens a page of the SPA and waits for `selector` to settle. */
async function visit(page, server, path, selector) {
  await page.goto(`${server.url}${path}`)
  await settle(page, selector)
  // Data arrives after the frame: let loading masks go.
  await page.waitFor(() => !document.querySelector('.el-loading-mask:not([style*="display: none"])'), undefined, 15_000).catch(() => undefined)
}

describe('desk: words and charts at 1366×768', () => {
  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let server
      let browser

      before(async () => {
        if (skip) return
        server = await startServer(`desk-${name}-server`)
        browser = await launchBrowser(name)
        // The mall in use: its standard, a daily checklist for the electrician, an inspection finding a
        // major and a general hazard (two grades for the doughnut); then the statistics jobs run.
        const admin = await token(server, ADMIN)
        await must(server, 'POST', '/api/v1/standard', { from_template: true }, admin)
        const std = await must(server, 'GET', '/api/v1/standard', undefined, admin)
        const posts = await must(server, 'GET', '/api/v1/post-options', undefined, admin)
        const grades = await must(server, 'GET', '/api/v1/hazard-grades', undefined, admin)
        const post = posts.find((p) => p.name === '电工')
        const major = grades.find((g) => g.legal_level === 'major')
        const general = grades.find((g) => g.legal_level === 'general')
        assert.ok(post && major && general, JSON.stringify({ posts, grades }))
        const items = std.categories.flatMap((c) => c.items).slice(0, 4)
        const list = await must(server, 'POST', '/api/v1/checklists', { name: '电工每日排查清单', frequency: 'daily', post_id: post.id, item_ids: items.map((i) => i.id) }, admin)
        const el = await token(server, ELECTRICIAN)
        const insp = await must(server, 'POST', `/api/v1/my/checklists/${list.id}/inspection`, undefined, el)
        const answers = insp.answers.map((a, i) =>
          i === 0
            ? { item_id: a.item_id, result: 'hazard', description: '二层东侧安全出口被临时货架封堵', grade_code: major.code, location: '二层东侧' }
            : i === 1
              ? { item_id: a.item_id, result: 'hazard', description: '配电箱门未关闭', grade_code: general.code, location: '一层配电间' }
              : { item_id: a.item_id, result: 'ok' },
        )
        await must(server, 'POST', `/api/v1/inspections/${insp.id}/submit`, { answers }, el)
        await must(server, 'POST', '/api/v1/dev/jobs/run')
      })

      after(async () => {
        await browser?.close()
        await server?.stop()
      })

      it('the enterprise admin: lands on 首页, the doughnut fits, no page shows codes', { skip }, async () => {
        const page = await browser.newPage(DESK)
        try {
          await loginAs(page, server, ADMIN)
          // In use (an inspection was submitted): 首页, not 初始化, with what setup still lacks.
          assert.equal(await page.path(), '/')
          await page.waitForSelector('[data-test="home-setup-banner"]')
          await page.waitForSelector('[data-test="chart-grades"] canvas')
          await settle(page, '[data-test="chart-grades"]')
          const fit = await page.evaluate(() => {
            const card = document.querySelector('[data-test="chart-grades"]').getBoundingClientRect()
            const canvas = document.querySelector('[data-test="chart-grades"] canvas').getBoundingClientRect()
            return { card: [card.left, card.top, card.right, card.bottom], canvas: [canvas.left, canvas.top, canvas.right, canvas.bottom] }
          })
          const [cl, ct, cr, cb] = fit.card
          const [l, t, r, b] = fit.canvas
          assert.ok(l >= cl - 0.5 && t >= ct - 0.5 && r <= cr + 0.5 && b <= cb + 0.5, `the doughnut's canvas ${fit.canvas} outside its card ${fit.card}`)
          assert.ok(r - l > 120, `the doughnut is ${r - l} px wide`)
          // The legend is drawn inside the canvas: ECharts keeps a scrolling legend within the chart's width.
          await page.screenshot('desk-enterprise-home')
          // The charts, scrolled into view (the layout scrolls inside its main area).
          await page.evaluate(() => document.querySelector('[data-test="chart-grades"]').scrollIntoView({ block: 'center' }))
          await page.screenshot('desk-enterprise-charts')
          const bad = { '/': await offenders(page) }

          for (const [path, selector, shot] of [
            ['/hazards', '[data-test="hazards-table"]', 'desk-ledger'],
            ['/reports/hazards', '[data-test="hazard-report"]', 'desk-report'],
            ['/system/audit', '.el-table', ''],
            ['/system/departments', '.el-tree, .el-empty', ''],
            ['/inspections/history', '[data-test="period-filter"]', ''],
            ['/setup', '.el-card', ''],
          ]) {
            await visit(page, server, path, selector)
            if (shot) await page.screenshot(shot)
            const found = await offenders(page)
            if (found.length) bad[path] = found
          }
          // The 关于 page is where the build shows, for admins.
          await visit(page, server, '/about', '[data-test="about"]')
          assert.match(await page.text('[data-test="about-env"]'), /环境/)
          for (const k of Object.keys(bad)) if (!bad[k].length) delete bad[k]
          assert.deepEqual(bad, {})
        } finally {
          await page.close()
        }
      })

      it('the enterprise admin at phone width (390×844): the doughnut and every legend fit their cards', { skip }, async () => {
        const page = await browser.newPage({ ...PHONE, phone: true })
        try {
          // At phone width the side menu hides behind its toggle.
          await page.login(server, 'personal', ADMIN, DEMO_PASSWORD)
          await page.waitForSelector('[data-test="menu-toggle"]')
          assert.equal(await page.path(), '/')
          for (const card of CHARTS) await page.waitForSelector(`[data-test="${card}"] canvas`)
          await settle(page, '[data-test="chart-grades"]')
          // ECharts draws after its first frame and again on resize: wait until every chart has painted.
          await page.waitFor((cards) => cards.every((c) => document.querySelector(`[data-test="${c}"] canvas`)?.width > 0), CHARTS)
          await new Promise((r) => setTimeout(r, 600))
          const bad = await page.evaluate((cards) => {
            const out = []
            const root = document.documentElement
            if (root.scrollWidth > window.innerWidth + 1) out.push(`the page is ${root.scrollWidth} px wide at ${window.innerWidth}`)
            for (const c of cards) {
              const card = document.querySelector(`[data-test="${c}"]`)
              const canvas = card.querySelector('canvas')
              const a = card.getBoundingClientRect()
              const b = canvas.getBoundingClientRect()
              if (b.left < a.left - 0.5 || b.right > a.right + 0.5 || b.top < a.top - 0.5 || b.bottom > a.bottom + 0.5)
                out.push(`${c}: canvas [${b.left},${b.top},${b.right},${b.bottom}] outside its card [${a.left},${a.top},${a.right},${a.bottom}]`)
              if (b.right > window.innerWidth + 0.5) out.push(`${c}: canvas ends at ${b.right}, beyond the screen`)
              if (c === 'chart-grades' && b.width < 200) out.push(`${c}: the doughnut is ${b.width} px wide`)
              // The legend and labels are drawn inside the canvas: nothing may touch its left or right edge,
              // which is where a legend or a label too wide for the card is cut off.
              const ctx = canvas.getContext('2d')
              const edge = (x) => {
                const d = ctx.getImageData(x, 0, 2, canvas.height).data
                for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true
                return false
              }
              if (edge(0)) out.push(`${c}: something is drawn at the canvas's left edge (cut off)`)
              if (edge(canvas.width - 2)) out.push(`${c}: something is drawn at the canvas's right edge (cut off)`)
            }
            return out
          }, CHARTS)
          await page.evaluate(() => document.querySelector('[data-test="chart-trend"]').scrollIntoView({ block: 'start' }))
          await page.screenshot('desk-phone-charts-1')
          await page.evaluate(() => document.querySelector('[data-test="chart-grades"]').scrollIntoView({ block: 'start' }))
          await page.screenshot('desk-phone-charts-2')
          assert.deepEqual(bad, [])
        } finally {
          await page.close()
        }
      })

      it('the city regulator: drilling down shows the new region from its title', { skip }, async () => {
        const page = await browser.newPage(DESK)
        try {
          await loginAs(page, server, CITY)
          await visit(page, server, '/regulator/dashboard', '[data-test="kpis"]')
          await page.waitFor(() => document.querySelector('[data-test="dashboard-title"]')?.innerText.trim() === '北京市监管看板')
          // The sub-regions are far below the title: scroll to 朝阳区 and click it there.
          await page.waitForSelector('[data-test="child-朝阳区"]')
          await page.evaluate(() => document.querySelector('[data-test="child-朝阳区"]').scrollIntoView({ block: 'center' }))
          const above = await page.evaluate(() => document.querySelector('[data-test="dashboard-title"]').getBoundingClientRect().bottom)
          assert.ok(above < 0, `the title should be scrolled out of view before the click (its bottom at ${above})`)
          await page.click('[data-test="child-朝阳区"]')
          await page.waitFor(() => document.querySelector('[data-test="dashboard-title"]')?.innerText.trim() === '朝阳区监管看板')
          await page.waitFor(() => {
            const r = document.querySelector('[data-test="dashboard-title"]').getBoundingClientRect()
            return r.top >= 0 && r.bottom <= window.innerHeight
          }, undefined, 5_000).catch(() => undefined)
          const r = await page.evaluate(() => {
            const title = document.querySelector('[data-test="dashboard-title"]')
            const b = title.getBoundingClientRect()
            // Seen, not merely inside the viewport: under the fixed header it would be hidden.
            const seen = title.contains(document.elementFromPoint(b.left + 8, b.top + b.height / 2))
            // The breadcrumb above it (北京市 / 朝阳区) leads back up: it is seen too.
            const crumbs = document.querySelector('[data-test="region-crumbs"]')
            const c = crumbs.getBoundingClientRect()
            const crumbsSeen = crumbs.contains(document.elementFromPoint(c.left + 4, c.top + 2))
            return { top: b.top, bottom: b.bottom, height: window.innerHeight, seen: seen && crumbsSeen }
          })
          await page.screenshot('desk-regulator-drilled')
          assert.ok(r.top >= 0 && r.bottom <= r.height, `朝阳区's title at ${r.top}–${r.bottom}, outside the ${r.height} px viewport`)
          assert.ok(r.seen, `朝阳区's title at ${r.top}–${r.bottom} (or the breadcrumb above it) is covered by another element`)
        } finally {
          await page.close()
        }
      })

      it('the district regulator: the dashboard and the mall\'s report show no codes', { skip }, async () => {
        const page = await browser.newPage(DESK)
        try {
          await loginAs(page, server, CHAOYANG)
          const bad = {}
          const check = async (path) => {
            const found = await offenders(page)
            if (found.length) bad[path] = found
          }
          await check('/')
          await visit(page, server, '/regulator/dashboard', '[data-test="kpis"]')
          await page.waitForSelector('[data-test="chart-trend"] canvas')
          await page.screenshot('desk-regulator-dashboard')
          await check('/regulator/dashboard')
          for (const path of ['/regulator/hazards', '/regulator/enterprises']) {
            await visit(page, server, path, '.el-table')
            await check(path)
          }
          const tok = await token(server, CHAOYANG)
          const list = await must(server, 'GET', `/api/v1/regulator/enterprises?q=${encodeURIComponent(DEMO.enterpriseAdmin.enterprise)}`, undefined, tok)
          const mall = (list.items ?? list).find((e) => e.name === DEMO.enterpriseAdmin.enterprise)
          assert.ok(mall, JSON.stringify(list))
          await visit(page, server, `/regulator/enterprises/${mall.id}/report`, '[data-test="hazard-report"]')
          await page.waitForSelector('[data-test="report-status"]')
          await page.screenshot('desk-regulator-report')
          await check('/regulator/enterprises/:id/report')
          assert.deepEqual(bad, {})
        } finally {
          await page.close()
        }
      })
    })
  }
})
