// 一企一标准、一岗一清单 in real browsers against the real backend: the enterprise admin builds the
// enterprise standard from its main business's template, edits an item and adds one with its 隐患等级, maps a
// new enterprise grade to 重大隐患, builds a post checklist by picking items, imports a checklist from .xlsx
// (a bad row is refused with its row number and nothing is imported; the fixed file imports), exports the
// standard and checklists, and reads the coverage; each post user sees exactly its own post's checklists.
//
// Each browser gets its own fresh server, so the two runs never see each other's changes.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiCall, ARTIFACTS, binarySkip, browserMatrix, launchBrowser, startServer } from './lib/harness.mjs'
import {
  ADMIN,
  catchDownloads,
  chooseOption,
  clickStill,
  clickVisible,
  confirmBox,
  download,
  ELECTRICIAN,
  fill,
  FORKLIFT,
  KEEPER,
  loginAs,
  must,
  openMenu,
  setFiles,
  settle,
  token,
  waitHidden,
  xlsx,
  XLSX_TYPE,
  xlsxText,
} from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()

const EDITED_SUFFIX = '（含夜间卸货时段）'
const NEW_SUBJECT = '叉车充电区'
const NEW_CONTENT = '检查叉车充电区是否独立设置、通风良好，充电机周边 1 米内有无可燃物，是否配置灭火器'
const FORKLIFT_LIST = '叉车司机每周排查清单'
const ELECTRIC_LIST = '电工每月排查清单'
const IMPORT_SUBJECT = '配电室挡鼠板'
const IMPORT_BAD_SUBJECT = '物流月台防撞设施'

// The spreadsheet columns of FAQ 19 (the server's import template).
const HEADER = ['部门', '岗位', '清单名称', '排查频次', '类别', '排查项目', '排查内容', '排查标准', '依据', '隐患等级', '重大隐患判定']
const GOOD_ROWS = [
  ['工程部', '电工', ELECTRIC_LIST, '每月', '用电安全', IMPORT_SUBJECT, '检查配电室门口挡鼠板是否完好、高度不低于 50 厘米', '挡鼠板完好，高度不低于 50 厘米', 'DL/T 5352', 'C级', '否'],
  ['工程部', '电工', ELECTRIC_LIST, '每月', '用电安全', '配电柜绝缘垫', '检查配电柜前后绝缘垫是否铺设完整、无破损老化', '绝缘垫完整', 'GB/T 13869', 'B级', '否'],
]
// Row 4 of the file (header is row 1): a department the enterprise does not have (FAQ 19).
const BAD_ROW = ['物流部', '叉车司机', '', '每日', '货架与仓储区', IMPORT_BAD_SUBJECT, '检查装卸月台防撞柱、防撞条是否完好', '完好', '', 'B级', '否']

// ---------------------------------------------------------------------------------------------

const textOf = (page, selector) => page.evaluate((s) => document.querySelector(s)?.innerText.trim() ?? null, selector)

const allItems = (std) => std.categories.flatMap((c) => c.items.map((i) => ({ ...i, category_name: c.name })))

// ---------------------------------------------------------------------------------------------

describe('enterprise standard and post checklists', () => {
  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let server
      let browser
      let admin
      let adminToken
      // Shared by the steps below, in order.
      const state = {}

      before(async () => {
        if (skip) return
        server = await startServer(`standard-${name}-server`)
        browser = await launchBrowser(name)
        adminToken = await token(server, ADMIN)
        admin = await browser.newPage()
        await loginAs(admin, server, ADMIN)
      })
      after(async () => {
        await admin?.close().catch(() => {})
        await browser?.close()
        await server?.stop()
      })

      it('builds the enterprise standard from the main business template, edits an item and adds one with its grade', { skip }, async () => {
        // Nothing yet: the page offers to copy the template of the enterprise's main business (FAQ 6).
        const before = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        assert.equal(before.created, false)
        await openMenu(admin, '标准管理', 'std:standard')
        await admin.waitForSelector('[data-test="standard-create"]')
        assert.equal(await admin.path(), '/standard')
        assert.equal(await textOf(admin, '[data-test="main-business"]'), before.main_business_name)
        await admin.waitForText('本企业尚未建立企业标准')
        await admin.screenshot('standard-create')

        await clickStill(admin, '[data-test="standard-from-template"]')
        await admin.waitForText(`确定从“${before.main_business_name}”模板复制企业标准吗`)
        await confirmBox(admin)
        await admin.waitForSelector('[data-test="standard-stats"]')

        const std = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        assert.equal(std.created, true)
        assert.ok(std.item_count >= 30, `the template gave only ${std.item_count} items`)
        await admin.waitForText(`企业标准已建立，共复制 ${std.item_count} 个条目`)
        assert.equal(await textOf(admin, '[data-test="standard-item-count"]'), String(std.item_count))
        // Every item is still outside any checklist.
        await admin.waitForText('未被清单覆盖')
        const stats = await textOf(admin, '[data-test="standard-stats"]')
        assert.match(stats, new RegExp(`未被清单覆盖\\s*${std.item_count}`))

        // --- Edit an item of 货架与仓储区: its subject and its grade.
        const items = allItems(std)
        const shelf = std.categories.find((c) => c.name === '货架与仓储区')
        assert.ok(shelf, `no 货架与仓储区 category: ${std.categories.map((c) => c.name)}`)
        const edited = shelf.items.find((i) => !i.is_major) ?? shelf.items[0]
        await fill(admin, '[data-test="standard-search"]', edited.subject)
        await admin.waitForSelector(`[data-test="item-${edited.id}"]`)
        await clickStill(admin, `[data-test="item-${edited.id}"] [data-test="item-edit"]`)
        const dialog = '[data-test="item-form-dialog"]'
        await settle(admin, dialog)
        await admin.waitFor(([d, s]) => document.querySelector(`${d} input[name="subject"]`)?.value === s, [dialog, edited.subject])
        const newGrade = edited.grade_code === 'B' ? 'C' : 'B'
        await fill(admin, `${dialog} input[name="subject"]`, edited.subject + EDITED_SUFFIX)
        await chooseOption(admin, `${dialog} [data-test="item-grade"]`, `${newGrade}级`)
        await admin.waitForText('当前选择对应一般隐患')
        await admin.click('[data-test="item-form-submit"]')
        await waitHidden(admin, dialog)
        await admin.waitForText('条目已保存')
        await admin.waitForText(edited.subject + EDITED_SUFFIX)

        let now = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        const afterEdit = allItems(now).find((i) => i.id === edited.id)
        assert.equal(afterEdit.subject, edited.subject + EDITED_SUFFIX)
        assert.equal(afterEdit.grade_code, newGrade)
        assert.equal(afterEdit.content, edited.content)
        assert.ok(afterEdit.version > edited.version, `the edit did not make a new item version (${edited.version} → ${afterEdit.version})`)

        // --- Add an item to the same category, with its default 隐患等级.
        // (The search still shows 货架与仓储区, through the edited item.)
        await admin.waitForSelector('[data-test="category-货架与仓储区"]')
        await clickStill(admin, '[data-test="category-货架与仓储区"] [data-test="category-add-item"]')
        await settle(admin, dialog)
        await admin.waitForText('新增排查条目')
        // The category is the one the button belongs to.
        await admin.waitFor((d) => document.querySelector(`${d} [data-test="item-category"]`)?.innerText.includes('货架与仓储区'), dialog)
        // Required fields are checked before anything is sent.
        await admin.click('[data-test="item-form-submit"]')
        await admin.waitForText('请输入排查项目')
        await fill(admin, `${dialog} input[name="subject"]`, NEW_SUBJECT)
        await fill(admin, `${dialog} textarea[name="content"]`, NEW_CONTENT)
        await fill(admin, `${dialog} textarea[name="criterion"]`, '充电区独立设置、通风良好，1 米内无可燃物，配置灭火器')
        await fill(admin, `${dialog} textarea[name="basis"]`, '《工业车辆安全规范》；GB 50016-2014')
        await chooseOption(admin, `${dialog} [data-test="item-grade"]`, 'C级')
        await admin.screenshot('standard-item-form')
        await admin.click('[data-test="item-form-submit"]')
        await waitHidden(admin, dialog)
        await admin.waitForText('条目已新增')

        now = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        const added = allItems(now).find((i) => i.subject === NEW_SUBJECT)
        assert.ok(added, 'the new item is not in the standard')
        assert.equal(added.category_name, '货架与仓储区')
        assert.equal(added.content, NEW_CONTENT)
        assert.equal(added.grade_code, 'C')
        assert.equal(added.is_major, false)
        assert.equal(now.item_count, items.length + 1)
        // The outline shows it with its grade, uncovered.
        await fill(admin, '[data-test="standard-search"]', NEW_SUBJECT)
        await admin.waitForSelector(`[data-test="item-${added.id}"]`)
        const row = await textOf(admin, `[data-test="item-${added.id}"]`)
        assert.match(row, /C级/)
        assert.match(row, /未覆盖/)
        assert.equal(await textOf(admin, '[data-test="standard-item-count"]'), String(items.length + 1))
        await admin.screenshot('standard-outline')
        state.edited = afterEdit
        state.added = added
      })

      it('maps the enterprise grades to 一般隐患 and 重大隐患 (FAQ 14)', { skip }, async () => {
        await openMenu(admin, '标准管理', 'std:grade')
        await admin.waitForSelector('[data-test="grade-mapping"]')
        await admin.waitFor(() => document.querySelector('[data-test="level-major"]')?.innerText.includes('A级'))
        assert.match(await textOf(admin, '[data-test="level-general"]'), /B级、C级、D级/)
        assert.doesNotMatch(await textOf(admin, '[data-test="level-general"]'), /A级/)

        // A grade of its own, first mapped to 一般隐患, then re-mapped to 重大隐患.
        await clickStill(admin, '[data-test="grade-add"]')
        const dialog = '[data-test="grade-dialog"]'
        await settle(admin, dialog)
        await fill(admin, `${dialog} input[name="code"]`, 'E')
        await fill(admin, `${dialog} input[name="name"]`, 'E级')
        await fill(admin, `${dialog} textarea`, '涉及消防安全通道的隐患')
        await admin.click('[data-test="grade-submit"]')
        await waitHidden(admin, dialog)
        await admin.waitFor(() => document.querySelector('[data-test="level-general"]')?.innerText.includes('E级'))
        assert.equal(await textOf(admin, '[data-test="grade-level-E"]'), '一般隐患')

        await clickStill(admin, '[data-test="grade-actions-E"] [data-test="grade-remap"]')
        await admin.waitForText('E级')
        await confirmBox(admin)
        await admin.waitFor(() => document.querySelector('[data-test="level-major"]')?.innerText.includes('E级'))
        assert.equal(await textOf(admin, '[data-test="grade-level-E"]'), '重大隐患')
        assert.doesNotMatch(await textOf(admin, '[data-test="level-general"]'), /E级/)
        await admin.screenshot('grades')

        const grades = await must(server, 'GET', '/api/v1/hazard-grades', undefined, adminToken)
        const e = grades.find((g) => g.code === 'E')
        assert.equal(e?.legal_level, 'major')
        assert.equal(e?.name, 'E级')
        assert.deepEqual(
          grades.filter((g) => g.code !== 'E').map((g) => [g.code, g.legal_level]),
          [
            ['A', 'major'],
            ['B', 'general'],
            ['C', 'general'],
            ['D', 'general'],
          ],
        )
      })

      it('builds the forklift driver’s post checklist by picking items from the standard', { skip }, async () => {
        const std = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        const posts = await must(server, 'GET', '/api/v1/post-options', undefined, adminToken)
        const coverage0 = await must(server, 'GET', '/api/v1/checklist-coverage', undefined, adminToken)
        assert.equal(coverage0.posts_without_checklist.length, posts.length)

        await openMenu(admin, '标准管理', 'std:checklist')
        await admin.waitForSelector('[data-test="coverage"]')
        await admin.waitForText('暂无岗位清单')
        assert.equal(await textOf(admin, '[data-test="coverage-posts"]'), `在用岗位 ${posts.length} 个，${posts.length} 个没有在用清单`)
        await admin.waitForSelector('[data-test="post-without-仓储部-叉车司机"]')

        await clickStill(admin, '[data-test="checklist-create"]')
        await admin.waitFor(() => location.pathname === '/standard/checklists/new')
        await admin.waitForSelector('[data-test="picker-tree"]')
        await chooseOption(admin, '[data-test="checklist-post"]', '叉车司机')
        await clickStill(admin, '[data-test="frequency-weekly"]')
        // The name follows the post and the frequency until the user types one.
        await admin.waitFor((n) => document.querySelector('input[name="name"]')?.value === n, FORKLIFT_LIST)

        // Saving with no item says what is missing.
        await admin.click('[data-test="checklist-save"]')
        await admin.waitForSelector('[data-test="items-error"]')
        await admin.waitForText('请至少选择一个排查条目')

        // The whole 货架与仓储区 category (the edited and the added item among them), plus one 特种设备 item found by search.
        const shelf = std.categories.find((c) => c.name === '货架与仓储区')
        await clickStill(admin, `[data-test="picker-tree"] .el-tree-node[data-key="c:${shelf.id}"] > .el-tree-node__content .el-checkbox`)
        await admin.waitFor((n) => document.querySelector('[data-test="picked-count"]')?.innerText.trim() === `${n} 个`, shelf.items.length)
        const special = std.categories.find((c) => c.name === '特种设备')
        const forkItem = special.items.find((i) => /叉车|场（厂）内/.test(i.subject + i.content)) ?? special.items[0]
        await fill(admin, '[data-test="picker-search"]', forkItem.subject)
        await admin.waitFor((k) => {
          const el = document.querySelector(`[data-test="picker-tree"] .el-tree-node[data-key="${k}"]`)
          return !!el && el.getClientRects().length > 0
        }, `i:${forkItem.id}`)
        await clickStill(admin, `[data-test="picker-tree"] .el-tree-node[data-key="i:${forkItem.id}"] > .el-tree-node__content .el-checkbox`)
        const expected = [...shelf.items.map((i) => i.id), forkItem.id]
        await admin.waitFor((n) => document.querySelector('[data-test="picked-count"]')?.innerText.trim() === `${n} 个`, expected.length)
        // The picked list is in checklist order: move the 特种设备 item to the top.
        await clickStill(admin, `[data-test="picked-${forkItem.id}"] button[aria-label="置顶"]`)
        await admin.waitFor((id) => document.querySelector('[data-test="picked-list"] li')?.getAttribute('data-test') === `picked-${id}`, forkItem.id)
        await admin.screenshot('checklist-edit')
        await clickStill(admin, '[data-test="checklist-save"]')
        await admin.waitFor(() => location.pathname === '/standard/checklists')
        await admin.waitForText(`岗位清单“${FORKLIFT_LIST}”已建立`)
        await admin.waitForSelector(`[data-test="checklist-actions-${FORKLIFT_LIST}"]`)
        const rowText = await admin.evaluate(
          (n) => Array.from(document.querySelectorAll('[data-test="checklists-table"] .el-table__body tr')).find((tr) => tr.innerText.includes(n))?.innerText ?? '',
          FORKLIFT_LIST,
        )
        assert.match(rowText, /仓储部 \/ 叉车司机/)
        assert.match(rowText, /每周/)
        assert.match(rowText, new RegExp(`\\b${expected.length}\\b`))

        const lists = await must(server, 'GET', '/api/v1/checklists', undefined, adminToken)
        const made = lists.items.find((c) => c.name === FORKLIFT_LIST)
        assert.ok(made, JSON.stringify(lists))
        assert.equal(made.frequency, 'weekly')
        assert.equal(made.post_name, '叉车司机')
        const full = await must(server, 'GET', `/api/v1/checklists/${made.id}`, undefined, adminToken)
        assert.deepEqual(
          full.items.map((i) => i.id),
          [forkItem.id, ...shelf.items.map((i) => i.id)],
        )
        // The forklift driver's post is covered now.
        await admin.waitFor(() => !document.querySelector('[data-test="post-without-仓储部-叉车司机"]'))
        assert.equal(await textOf(admin, '[data-test="coverage-posts"]'), `在用岗位 ${posts.length} 个，${posts.length - 1} 个没有在用清单`)
        state.forkList = full
      })

      it('imports a checklist from .xlsx: a bad row is named and nothing is imported; the fixed file imports (FAQ 19)', { skip }, async () => {
        const before = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        await clickStill(admin, '[data-test="checklist-import"]')
        const dialog = '[data-test="import-dialog"]'
        await settle(admin, dialog)
        await admin.waitForText('公司不存在‘某某’部门')
        const input = `${dialog} [data-test="import-upload"] input[type="file"]`
        await setFiles(admin, input, [{ name: '岗位清单-有错.xlsx', type: XLSX_TYPE, data: xlsx([HEADER, ...GOOD_ROWS, BAD_ROW]) }])
        await admin.waitForText('岗位清单-有错.xlsx')
        await admin.waitFor(() => !document.querySelector('[data-test="import-submit"]')?.disabled)
        await admin.click('[data-test="import-submit"]')
        await admin.waitForSelector('[data-test="import-errors"]')
        await admin.waitForText('导入失败，未导入任何数据')
        const table = await textOf(admin, '[data-test="import-error-table"]')
        assert.match(table, /第4行：公司不存在'物流部'部门/)
        const cells = await admin.evaluate(() =>
          Array.from(document.querySelectorAll('[data-test="import-error-table"] .el-table__body tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.innerText.trim())),
        )
        assert.deepEqual(cells, [['4', '部门', "第4行：公司不存在'物流部'部门"]])
        assert.match(await textOf(admin, '[data-test="import-error-count"]'), /共发现 1 处问题/)
        await admin.screenshot('checklist-import-errors')

        // All or nothing: not even the good rows were imported.
        const still = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        assert.equal(still.item_count, before.item_count)
        assert.ok(!allItems(still).some((i) => i.subject === IMPORT_SUBJECT))
        const lists0 = await must(server, 'GET', '/api/v1/checklists', undefined, adminToken)
        assert.ok(!lists0.items.some((c) => c.name === ELECTRIC_LIST))

        // The fixed file (the bad row removed) imports.
        await clickVisible(admin, `${dialog} .el-dialog__footer .el-button`, '关闭')
        await waitHidden(admin, dialog)
        await clickStill(admin, '[data-test="checklist-import"]')
        await settle(admin, dialog)
        await admin.waitFor((d) => !document.querySelector(`${d} [data-test="import-errors"]`), dialog)
        await setFiles(admin, input, [{ name: '岗位清单.xlsx', type: XLSX_TYPE, data: xlsx([HEADER, ...GOOD_ROWS]) }])
        await admin.waitForText('岗位清单.xlsx')
        await admin.waitFor(() => !document.querySelector('[data-test="import-submit"]')?.disabled)
        await admin.click('[data-test="import-submit"]')
        await admin.waitForSelector('[data-test="import-success"]')
        await admin.waitForText('导入成功')
        const counts = await admin.evaluate(() =>
          Object.fromEntries(
            Array.from(document.querySelectorAll('[data-test="import-success"] .el-descriptions__label')).map((l) => [l.innerText.trim(), l.nextElementSibling?.innerText.trim()]),
          ),
        )
        assert.equal(counts['数据行'], '2')
        assert.equal(counts['新建条目'], '2')
        assert.equal(counts['新建清单'], '1')
        assert.equal(counts['加入清单的条目'], '2')
        await admin.screenshot('checklist-import-success')
        await clickVisible(admin, `${dialog} .el-dialog__footer .el-button`, '关闭')
        await waitHidden(admin, dialog)
        await admin.waitForSelector(`[data-test="checklist-actions-${ELECTRIC_LIST}"]`)

        const lists = await must(server, 'GET', '/api/v1/checklists', undefined, adminToken)
        const made = lists.items.find((c) => c.name === ELECTRIC_LIST)
        assert.ok(made, JSON.stringify(lists))
        assert.equal(made.frequency, 'monthly')
        assert.equal(made.post_name, '电工')
        assert.equal(made.department_name, '工程部')
        const full = await must(server, 'GET', `/api/v1/checklists/${made.id}`, undefined, adminToken)
        assert.deepEqual(
          full.items.map((i) => i.subject),
          GOOD_ROWS.map((r) => r[5]),
        )
        const std = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        assert.equal(std.item_count, before.item_count + 2)
        const imported = allItems(std).find((i) => i.subject === IMPORT_SUBJECT)
        assert.equal(imported.category_name, '用电安全')
        assert.equal(imported.grade_code, 'C')
        state.electricList = full
      })

      it('exports the standard and the checklists as .xlsx', { skip }, async () => {
        await catchDownloads(admin)
        await clickStill(admin, '[data-test="checklist-export"]')
        const file = await download(admin, 0)
        assert.match(file.name, /^企业标准与岗位清单.*\.xlsx$/)
        mkdirSync(ARTIFACTS, { recursive: true })
        writeFileSync(join(ARTIFACTS, `${name}-checklist-export.xlsx`), file.data)
        await admin.waitForText(`已开始下载：${file.name}`)
        const text = xlsxText(file.data)
        for (const h of HEADER) assert.ok(text.includes(h), `the export has no column ${h}`)
        for (const s of [FORKLIFT_LIST, ELECTRIC_LIST, NEW_SUBJECT, state.edited.subject, IMPORT_SUBJECT, '仓储部', '工程部', '每周', '每月']) {
          assert.ok(text.includes(s), `the export does not contain ${s}`)
        }
        assert.ok(!text.includes(IMPORT_BAD_SUBJECT), 'the export contains the refused row')
      })

      it('shows the coverage: standard items and posts without a checklist', { skip }, async () => {
        const coverage = await must(server, 'GET', '/api/v1/checklist-coverage', undefined, adminToken)
        const std = await must(server, 'GET', '/api/v1/standard', undefined, adminToken)
        const covered = new Set([...state.forkList.items.map((i) => i.id), ...state.electricList.items.map((i) => i.id)])
        assert.equal(coverage.items, std.item_count)
        assert.equal(coverage.uncovered_items.length, std.item_count - covered.size)
        assert.ok(!coverage.uncovered_items.some((i) => covered.has(i.id)))
        const without = coverage.posts_without_checklist.map((p) => `${p.department_name}/${p.name}`).sort()
        assert.deepEqual(without, ['安全管理部/安全员', '工程部/电梯管理员', '仓储部/库管员', '营业部/收银员'].sort())

        await openMenu(admin, '标准管理', 'std:checklist')
        await admin.waitForSelector(`[data-test="checklist-actions-${ELECTRIC_LIST}"]`)
        await admin.waitFor(
          (t) => document.querySelector('[data-test="coverage-items"]')?.innerText.trim() === t,
          `企业标准 ${std.item_count} 个条目，${coverage.uncovered_items.length} 个未被任何在用清单覆盖`,
        )
        assert.equal(await textOf(admin, '[data-test="coverage-posts"]'), `在用岗位 6 个，4 个没有在用清单`)
        for (const p of ['安全管理部-安全员', '工程部-电梯管理员', '仓储部-库管员', '营业部-收银员']) await admin.waitForSelector(`[data-test="post-without-${p}"]`)
        for (const p of ['仓储部-叉车司机', '工程部-电工']) assert.equal(await admin.evaluate((s) => !!document.querySelector(s), `[data-test="post-without-${p}"]`), false, p)
        await clickVisible(admin, '[data-test="coverage"] .el-button', `查看未覆盖的 ${coverage.uncovered_items.length} 个条目`)
        await admin.waitForSelector('[data-test="coverage"] .el-table')
        const shown = await textOf(admin, '[data-test="coverage"] .el-table')
        assert.ok(shown.includes(coverage.uncovered_items[0].subject))
        assert.ok(!shown.includes(NEW_SUBJECT), 'a covered item is listed as uncovered')
        await admin.screenshot('checklists-coverage')

        // The standard page counts the same, and tags the added item with its checklist.
        await openMenu(admin, '标准管理', 'std:standard')
        await admin.waitForSelector('[data-test="standard-stats"]')
        await admin.waitFor((n) => new RegExp(`未被清单覆盖\\s*${n}(\\s|$)`).test(document.querySelector('[data-test="standard-stats"]')?.innerText ?? ''), coverage.uncovered_items.length)
        await fill(admin, '[data-test="standard-search"]', NEW_SUBJECT)
        await admin.waitForSelector(`[data-test="item-${state.added.id}"]`)
        await admin.waitFor((id) => /1 个清单/.test(document.querySelector(`[data-test="item-${id}"]`)?.innerText ?? ''), state.added.id)
      })

      it('each post user sees exactly its own post’s checklists (FAQ 9)', { skip }, async () => {
        const cases = [
          { user: FORKLIFT, sees: FORKLIFT_LIST, not: ELECTRIC_LIST, post: '仓储部 / 叉车司机' },
          { user: ELECTRICIAN, sees: ELECTRIC_LIST, not: FORKLIFT_LIST, post: '工程部 / 电工' },
        ]
        for (const c of cases) {
          const page = await browser.newPage()
          try {
            await loginAs(page, server, c.user)
            await openMenu(page, '隐患管理', 'hz:inspect')
            await page.waitForSelector(`[data-test="slot-${c.sees}"]`)
            assert.match(await textOf(page, '[data-test="my-post"]'), new RegExp(`岗位：${c.post}`))
            const names = await page.evaluate(() => Array.from(document.querySelectorAll('[data-test="slots"] .slot__name')).map((e) => e.innerText.trim()))
            assert.deepEqual(names, [c.sees])
            assert.ok(!(await page.evaluate((n) => document.body.innerText.includes(n), c.not)))
            if (c.user === FORKLIFT) await page.screenshot('post-user-checklists')
          } finally {
            await page.close()
          }
        }
        // A post without a checklist says why.
        const keeper = await browser.newPage()
        try {
          await loginAs(keeper, server, KEEPER)
          await openMenu(keeper, '隐患管理', 'hz:inspect')
          await keeper.waitForSelector('[data-test="no-checklists"]')
          const reason = await textOf(keeper, '[data-test="no-checklists-reason"]')
          assert.ok(reason.length > 0)
          assert.ok(!(await keeper.evaluate(() => !!document.querySelector('[data-test="slots"]'))))
          const kt = await token(server, KEEPER)
          const mine = await apiCall(server, 'GET', '/api/v1/my/inspections', undefined, kt)
          assert.equal(mine.status, 200)
          assert.deepEqual(mine.body.slots, [])
        } finally {
          await keeper.close()
        }
      })
    })
  }
})
