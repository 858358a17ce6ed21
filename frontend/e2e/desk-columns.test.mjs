// At the desk (1366×768), the pinned 操作 column never hides a list's key columns: each key column's header is
// inside the visible part of the table (its scroll box) and left of the pinned column, without scrolling the
// table sideways. Checked on the lists that showed the problem: the hazard ledger (整改责任人 and 整改期限
// explain an overdue row), posts (状态, and the 重点岗位 tag inside its cell), the regulator's enterprise
// registry (names cut with … and a tooltip, 状态), major hazards and the regulator accounts.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { binarySkip, browserMatrix, DEMO, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()
const DESK = { width: 1366, height: 768 }

async function quiet(page) {
  let last = ''
  for (let i = 0; i < 60; i++) {
    const now = await page.evaluate(() => {
      const loading = Array.from(document.querySelectorAll('.el-loading-mask')).some((m) => m.getClientRects().length > 0)
      const rows = document.querySelectorAll('.el-table__body tr').length
      return loading ? '' : `${document.body.innerText.length}:${rows}`
    })
    if (now && now === last) return
    last = now
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** Where each wanted header sits against the table's visible box and the pinned column. */
function columnsSeen([selector, labels]) {
  const table = document.querySelector(selector)
  if (!table) return { missing: `no ${selector}` }
  const wrap = table.querySelector('.el-table__body-wrapper .el-scrollbar__wrap') || table.querySelector('.el-table__body-wrapper')
  const box = wrap.getBoundingClientRect()
  const pinned = Array.from(table.querySelectorAll('.el-table__header-wrapper th.el-table-fixed-column--right'))
    .map((th) => th.getBoundingClientRect().left)
    .reduce((a, b) => Math.min(a, b), Infinity)
  const heads = Array.from(table.querySelectorAll('.el-table__header-wrapper th.el-table__cell'))
  const out = {}
  for (const label of labels) {
    const th = heads.find((h) => h.textContent.replace(/\s+/g, ' ').trim() === label)
    if (!th) {
      out[label] = { found: false }
      continue
    }
    const r = th.getBoundingClientRect()
    out[label] = {
      found: true,
      left: Math.round(r.left),
      right: Math.round(r.right),
      box: [Math.round(box.left), Math.round(box.right)],
      pinned: pinned === Infinity ? null : Math.round(pinned),
      ok: r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1 && r.right <= pinned + 1 && r.right <= window.innerWidth,
    }
  }
  return {
    out,
    scrolled: wrap.scrollLeft,
    sideways: wrap.scrollWidth > wrap.clientWidth + 1,
  }
}

async function assertColumns(page, server, path, selector, labels) {
  await page.goto(`${server.url}${path}`)
  await page.waitForSelector(`${selector} .el-table__header-wrapper th`)
  await quiet(page)
  const seen = await page.evaluate(columnsSeen, [selector, labels])
  assert.ok(!seen.missing, `${path}: ${seen.missing}`)
  for (const label of labels) {
    const c = seen.out[label]
    assert.ok(c.found, `${path}: no column ${label}`)
    assert.ok(c.ok, `${path}: column ${label} is not fully visible beside the pinned 操作 column: ${JSON.stringify(c)}`)
  }
  assert.equal(seen.scrolled, 0)
  return seen
}

describe('desk lists at 1366×768: key columns are never hidden by the pinned 操作 column', () => {
  let server
  before(async () => {
    if (noBinary || matrix.every((b) => b.skip)) return
    server = await startServer('desk-columns-server')
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

      it('enterprise admin: the hazard ledger and posts', { skip }, async () => {
        const page = await browser.newPage(DESK)
        try {
          await page.login(server, 'personal', DEMO.enterpriseAdmin.username, DEMO_PASSWORD)
          await assertColumns(page, server, '/hazards', '[data-test="hazards-table"]', ['隐患编号', '隐患名称', '等级 / 级别', '状态', '整改责任人', '整改期限'])
          await page.screenshot('desk-hazard-ledger')

          await assertColumns(page, server, '/system/posts', '[data-test="posts-table"]', ['岗位名称', '所属部门', '安全责任大小', '状态'])
          // The 重点岗位 tag (and every level tag) sits whole inside its cell.
          const tags = await page.evaluate(() =>
            Array.from(document.querySelectorAll('[data-test="posts-table"] .el-table__body td .el-tag')).map((tag) => {
              const cell = tag.closest('td').getBoundingClientRect()
              const r = tag.getBoundingClientRect()
              return { text: tag.textContent.trim(), inside: r.left >= cell.left - 0.5 && r.right <= cell.right + 0.5 && tag.scrollWidth <= tag.clientWidth + 1 }
            }),
          )
          assert.ok(tags.some((t) => t.text.includes('重点岗位')), `no 重点岗位 tag among ${JSON.stringify(tags)}`)
          for (const tag of tags) assert.ok(tag.inside, `a tag is cut by its cell: ${JSON.stringify(tag)}`)
          await page.screenshot('desk-posts')
        } finally {
          await page.close()
        }
      })

      it('district regulator: the enterprise registry and major hazards', { skip }, async () => {
        const page = await browser.newPage(DESK)
        try {
          await page.login(server, 'personal', DEMO.districtRegulator.username, DEMO_PASSWORD)
          await assertColumns(page, server, '/regulator/enterprises', '[data-test="enterprises-table"]', ['企业名称', '统一社会信用代码', '状态'])
          // Long names are cut with … (the cell shows the rest in a tooltip) instead of widening the row.
          const names = await page.evaluate(() =>
            Array.from(document.querySelectorAll('[data-test="enterprises-table"] .el-table__body td.name-cell .cell')).map((c) => {
              const s = getComputedStyle(c)
              return { text: c.textContent.trim(), ellipsis: s.textOverflow === 'ellipsis' && s.whiteSpace === 'nowrap', tooltip: c.classList.contains('el-tooltip') }
            }),
          )
          assert.ok(names.length > 0, 'no enterprise rows')
          for (const n of names) assert.ok(n.ellipsis && n.tooltip, `an enterprise name is not cut with … and a tooltip: ${JSON.stringify(n)}`)
          await page.screenshot('desk-enterprise-registry')

          await assertColumns(page, server, '/regulator/hazards', '[data-test="reg-hazards-table"]', ['企业', '隐患编号', '隐患名称', '状态', '整改期限'])
          await page.screenshot('desk-major-hazards')
        } finally {
          await page.close()
        }
      })

      it('platform admin: the regulator accounts', { skip }, async () => {
        const page = await browser.newPage(DESK)
        try {
          await page.login(server, 'personal', DEMO.platformAdmin.username, DEMO_PASSWORD)
          await assertColumns(page, server, '/platform/regulators', '[data-test="regulators-table"]', ['登录名', '姓名/科室', '状态'])
          await page.screenshot('desk-regulators')
        } finally {
          await page.close()
        }
      })
    })
  }
})
