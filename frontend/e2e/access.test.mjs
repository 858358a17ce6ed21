// Identity and access in real browsers against the real backend: the enterprise admin builds a
// role in 角色管理 and assigns it, the post user sees exactly the menus it gives, a grant change reaches
// a signed-in user at its next request, a password reset forces a change; the regulator resets an
// enterprise's password; the platform administrator creates a regulator account; both audit logs.
//
// Each browser gets its own fresh server, so the two runs never see each other's changes.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, apiLogin, binarySkip, browserMatrix, DEMO, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'
import { tableRows, waitRow } from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()

const KEEPER = '朝阳商场-库管员'
const ROLE = '仓储巡查'
const USER_BUTTONS = ['sys:user:create', 'sys:user:update', 'sys:user:disable', 'sys:user:delete', 'sys:user:reset-password', 'sys:user:grant']

// ---------------------------------------------------------------------------------------------
// Page helpers for Element Plus widgets (both drivers)

const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'

/** Clicks the first visible element matching `selector` whose text is `text` (or contains it). */
async function clickVisible(page, selector, text, { contains = false } = {}) {
  const find = ([s, t, c, vis]) => {
    const isVisible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' // inline: the app's CSP forbids eval
    return Array.from(document.querySelectorAll(s)).find((el) => {
      const txt = el.textContent.trim()
      return isVisible(el) && (t == null || (c ? txt.includes(t) : txt === t))
    })
  }
  const arg = [selector, text ?? null, contains, visible.toString()]
  try {
    await page.waitFor((a) => {
      const [s, t, c, vis] = a
      const isVisible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' // inline: the app's CSP forbids eval
      return Array.from(document.querySelectorAll(s)).some((el) => {
        const txt = el.textContent.trim()
        return isVisible(el) && (t == null || (c ? txt.includes(t) : txt === t))
      })
    }, arg)
  } catch (e) {
    throw new Error(`no visible ${selector}${text ? ` with text ${JSON.stringify(text)}` : ''}`, { cause: e })
  }
  const handle = await page.raw.evaluateHandle(find, arg)
  // Dropdowns and dialogs animate in: click once the element stands still.
  let last = ''
  for (let i = 0; i < 50; i++) {
    const rect = await handle.evaluate((el) => {
      const r = el.getBoundingClientRect()
      return [r.x, r.y, r.width, r.height].map((n) => Math.round(n)).join(',')
    })
    if (rect === last) break
    last = rect
    await new Promise((r) => setTimeout(r, 120))
  }
  await handle.asElement().click()
  await handle.dispose()
}

/**
 * Waits until the first visible element matching `selector` stops moving (a dialog zooming in, a menu
 * sliding open, a table laying out): a click computed during the motion can land beside its target.
 */
async function settle(page, selector) {
  await page.waitForSelector(selector)
  let last = ''
  for (let i = 0; i < 50; i++) {
    const rect = await page.evaluate((s) => {
      const el = Array.from(document.querySelectorAll(s)).find((e) => e.getClientRects().length > 0)
      if (!el) return ''
      const r = el.getBoundingClientRect()
      return [r.x, r.y, r.width, r.height].map((n) => Math.round(n)).join(',')
    }, selector)
    if (rect && rect === last) return
    last = rect
    await new Promise((r) => setTimeout(r, 120))
  }
}

/** Clicks an element once it is visible and still. */
async function clickStill(page, selector) {
  await settle(page, selector)
  await page.click(selector)
}

/** Waits until no element matching `selector` is visible (a dialog closed). */
async function waitHidden(page, selector) {
  await page.waitFor(
    ([s, vis]) => {
      const isVisible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' // inline: the app's CSP forbids eval
      return !Array.from(document.querySelectorAll(s)).some(isVisible)
    },
    [selector, visible.toString()],
  )
}

/** Confirms the open ElMessageBox. */
async function confirmBox(page) {
  await settle(page, '.el-message-box')
  await clickVisible(page, '.el-message-box__btns .el-button--primary')
  await waitHidden(page, '.el-message-box')
}

/** Ticks or unticks the checkbox of a permission-tree node by its key, as a user clicks it. */
async function tick(page, dialog, key) {
  await page.click(`${dialog} .el-tree-node[data-key="${key}"] > .el-tree-node__content .el-checkbox`)
}

/** key → 'checked' | 'half' | 'none' for every node of the permission tree in `dialog`. */
function treeState(page, dialog) {
  return page.evaluate((d) => {
    const out = {}
    for (const node of document.querySelectorAll(`${d} .el-tree-node`)) {
      const box = node.querySelector(':scope > .el-tree-node__content .el-checkbox__input')
      out[node.getAttribute('data-key')] = box.classList.contains('is-indeterminate') ? 'half' : box.classList.contains('is-checked') ? 'checked' : 'none'
    }
    return out
  }, dialog)
}

/** The side menu as shown: top-level titles, groups as { title, children: [titles] }. */
function sideMenu(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.side-menu > .el-menu > li')).map((li) =>
      li.classList.contains('el-sub-menu')
        ? {
            title: li.querySelector('.el-sub-menu__title').textContent.trim(),
            children: Array.from(li.querySelectorAll('.el-menu-item')).map((x) => x.textContent.trim()),
          }
        : li.textContent.trim(),
    ),
  )
}

/** The same shape from a /me menu tree (the SPA adds 首页 in front). */
function menuShape(menus) {
  const shape = (n) => (n.children?.length ? { title: n.title, children: n.children.map((c) => c.title) } : n.title)
  return ['首页', ...menus.map(shape)]
}

/** Opens a page through the side menu, as a user does: the group first (unless open), then the entry. */
async function openMenu(page, group, code) {
  const sel = `.side-menu [data-menu-code="${code}"]`
  // A group that is closing still shows its entries for a moment: ask el-menu's state, not the pixels.
  const open = await page.evaluate((s) => !!document.querySelector(s)?.closest('.el-sub-menu')?.classList.contains('is-opened'), sel)
  if (!open) {
    await clickVisible(page, '.side-menu .el-sub-menu__title', group)
    await page.waitFor((s) => document.querySelector(s)?.closest('.el-sub-menu')?.classList.contains('is-opened'), sel)
  }
  // The group slides open; a click during the animation can land beside the moving entry.
  await clickStill(page, sel)
}

/**
 * Brings a page's tab to the front before working in it: with several pages open, Firefox runs the
 * animations (and so the menus' open transitions) of background tabs only sparingly.
 */
async function front(page) {
  await page.raw.bringToFront()
  return page
}

async function tempPassword(page) {
  await page.waitForSelector('[data-test="temp-password"]')
  const pw = (await page.text('[data-test="temp-password"]')).trim()
  assert.ok(pw.length >= 8, `temporary password too short: ${pw}`)
  return pw
}

const sorted = (xs) => xs.slice().sort()

// ---------------------------------------------------------------------------------------------

describe('identity and access', () => {
  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let server
      let browser
      before(async () => {
        if (skip) return
        server = await startServer(`access-${name}-server`)
        browser = await launchBrowser(name)
      })
      after(async () => {
        await browser?.close()
        await server?.stop()
      })

      it('the enterprise admin grants a role through the tree; the post user sees exactly its menus; a reset forces a password change', { skip }, async () => {
        const adminToken = await apiLogin(server, 'personal', DEMO.enterpriseAdmin.username, DEMO_PASSWORD)
        const users = await apiCall(server, 'GET', `/api/v1/users?q=${encodeURIComponent(KEEPER)}`, undefined, adminToken)
        const keeper = users.body.items.find((u) => u.login_name === KEEPER)
        assert.ok(keeper, users.text)
        const before = await apiCall(server, 'GET', `/api/v1/users/${keeper.id}/grants`, undefined, adminToken)
        assert.equal(before.status, 200, before.text)
        // What the post user sees before the new role: its default role's menus (none in the seed).
        const keeperToken = await apiLogin(server, 'personal', KEEPER, DEMO_PASSWORD)
        const baseline = (await apiCall(server, 'GET', '/api/v1/me', undefined, keeperToken)).body.menus
        assert.ok(!baseline.some((g) => g.code === 'sys'), `the post user already has 系统管理: ${JSON.stringify(baseline)}`)

        const admin = await browser.newPage()
        let keeperPage = null
        try {
          // --- The admin creates the role in 角色管理, ticking 用户管理 and 审计日志 in the tree.
          await admin.login(server, 'personal', DEMO.enterpriseAdmin.username, DEMO_PASSWORD)
          await openMenu(admin, '系统管理', 'sys:user')
          await admin.waitForText(KEEPER)
          assert.equal(await admin.path(), '/system/users')
          await admin.screenshot('users')

          await openMenu(admin, '系统管理', 'sys:role')
          await admin.waitForText('岗位人员')
          await admin.waitForSelector('[data-test="roles-faq"]') // FAQ 12 on the page
          await admin.waitForText('两种方式同时生效')
          await clickStill(admin, '[data-test="role-create"]')
          const form = '[data-test="role-form-dialog"]'
          await admin.waitForSelector(`${form} .el-tree-node[data-key="sys:user"]`)
          await settle(admin, form)
          await admin.type('input[name="role_name"]', ROLE)
          await admin.type('textarea[name="role_description"]', '仓库巡查人员查看用户和审计日志')
          await tick(admin, form, 'sys:user')
          await tick(admin, form, 'sys:audit')
          const ticked = await treeState(admin, form)
          assert.equal(ticked['sys:user'], 'checked')
          assert.equal(ticked['sys:user#page'], 'checked')
          for (const b of USER_BUTTONS) assert.equal(ticked[b], 'checked', b)
          assert.equal(ticked['sys:audit'], 'checked')
          assert.equal(ticked['sys:role'], 'none')
          assert.equal(ticked.sys, 'half')
          await admin.click('[data-test="role-form-submit"]')
          await waitHidden(admin, form)
          await admin.waitForSelector(`[data-test="role-actions-${ROLE}"]`)

          // The server stored the ticked codes with their group.
          const roles = await apiCall(server, 'GET', `/api/v1/roles?q=${encodeURIComponent(ROLE)}`, undefined, adminToken)
          const role = roles.body.items.find((r) => r.name === ROLE)
          assert.ok(role, roles.text)
          assert.deepEqual(sorted(role.codes), sorted(['sys', 'sys:audit', 'sys:user', ...USER_BUTTONS]))

          // The grant dialog shows the same ticks (screenshot of the page with it open).
          await clickStill(admin, `[data-test="role-actions-${ROLE}"] [data-test="role-grant"]`)
          const grant = '[data-test="role-grant-dialog"]'
          await admin.waitForSelector(`${grant} .el-tree-node[data-key="sys:audit"]`)
          await settle(admin, grant)
          await admin.waitFor((d) => document.querySelector(`${d} .el-tree-node[data-key="sys:audit"] .el-checkbox__input.is-checked`), grant)
          const shown = await treeState(admin, grant)
          assert.equal(shown['sys:user'], 'checked')
          assert.equal(shown['sys:role'], 'none')
          await admin.screenshot('roles-grant')
          await clickVisible(admin, `${grant} .el-dialog__footer .el-button`, '取消')
          await waitHidden(admin, grant)

          // --- 分配用户: move the post user into the role; its other roles stay.
          await clickStill(admin, `[data-test="role-actions-${ROLE}"] [data-test="role-assign"]`)
          const assign = '[data-test="role-users-dialog"]'
          await admin.waitForSelector(`${assign} .el-transfer-panel__item`)
          await settle(admin, assign)
          await clickVisible(admin, `${assign} .el-transfer-panel__item`, KEEPER, { contains: true })
          await clickVisible(admin, `${assign} .el-transfer__buttons .el-button`, '加入')
          await admin.waitFor(
            ([d, k]) => Array.from(document.querySelectorAll(`${d} .el-transfer-panel`)[1].querySelectorAll('.el-transfer-panel__item')).some((el) => el.textContent.includes(k)),
            [assign, KEEPER],
          )
          await admin.click('[data-test="role-users-submit"]')
          await waitHidden(admin, assign)
          const members = await apiCall(server, 'GET', `/api/v1/roles/${role.id}/users`, undefined, adminToken)
          assert.deepEqual(members.body.user_ids, [keeper.id])
          const after = await apiCall(server, 'GET', `/api/v1/users/${keeper.id}/grants`, undefined, adminToken)
          // The role is added; no role is taken away.
          assert.deepEqual(sorted(after.body.role_ids), sorted([...before.body.role_ids, role.id]))

          // --- The post user, in its own browser context, sees exactly 首页, 系统管理 → 用户管理, 审计日志.
          keeperPage = await browser.newPage()
          await front(keeperPage)
          await keeperPage.login(server, 'personal', KEEPER, DEMO_PASSWORD)
          // A post user lands on 今日排查.
          await keeperPage.waitForSelector('[data-test="today-clock"]')
          // Its 首页 lists what it may open.
          await keeperPage.goto(`${server.url}/`)
          await keeperPage.waitForSelector('[data-test="welcome"]')
          // The server's menus for it now: its earlier menus plus 系统管理 with exactly 用户管理 and 审计日志.
          const nowToken = await apiLogin(server, 'personal', KEEPER, DEMO_PASSWORD)
          const menus = (await apiCall(server, 'GET', '/api/v1/me', undefined, nowToken)).body.menus
          const sys = menus.find((g) => g.code === 'sys')
          assert.deepEqual(sys?.children?.map((c) => c.title), ['用户管理', '审计日志'])
          assert.deepEqual(menus.filter((g) => g.code !== 'sys'), baseline)
          // …and that is exactly what the side menu shows, with 首页 first.
          await keeperPage.waitForText('审计日志')
          assert.deepEqual(await sideMenu(keeperPage), menuShape(menus))
          assert.ok(!(await keeperPage.evaluate(() => document.querySelector('.side-menu').textContent.includes('角色管理'))))
          await clickVisible(keeperPage, '.side-menu .el-sub-menu__title', '系统管理')
          await settle(keeperPage, '.side-menu [data-menu-code="sys:audit"]')
          await keeperPage.screenshot('post-user-menus')
          // 角色管理 stays closed to it.
          await keeperPage.goto(`${server.url}/system/roles`)
          await keeperPage.waitFor(() => location.pathname === '/403')
          await keeperPage.waitForText('无权访问')
          // 审计日志 opens, and shows the admin's role change.
          await openMenu(keeperPage, '系统管理', 'sys:audit')
          await keeperPage.waitForText('角色分配用户')

          // --- A grant change reaches the signed-in user at its next request: its token was revoked,
          // the SPA refreshes it once, retries, and reloads the menus (it stays signed in).
          const regrant = await apiCall(server, 'PUT', `/api/v1/roles/${role.id}/grants`, { codes: ['sys:user'] }, adminToken)
          assert.equal(regrant.status, 200, regrant.text)
          await openMenu(keeperPage, '系统管理', 'sys:user')
          await keeperPage.waitForText(KEEPER)
          await keeperPage.waitFor(() => !document.querySelector('.side-menu [data-menu-code="sys:audit"]'))
          assert.equal(await keeperPage.path(), '/system/users')
          const narrowed = menus.map((g) => (g.code === 'sys' ? { ...g, children: g.children.filter((c) => c.code !== 'sys:audit') } : g))
          assert.deepEqual(await sideMenu(keeperPage), menuShape(narrowed))

          // --- The admin resets the post user's password on 用户管理 (FAQ 11) and reads it once.
          await front(admin)
          await openMenu(admin, '系统管理', 'sys:user')
          await clickStill(admin, `[data-test="user-actions-${KEEPER}"] [data-test="user-reset-password"]`)
          await admin.waitForText('确定重置')
          await confirmBox(admin)
          const temporary = await tempPassword(admin)
          await admin.waitForText('只显示这一次')
          await admin.waitForText('下次登录时须先修改密码')
          assert.equal((await admin.text('[data-test="temp-login-name"]')).trim(), KEEPER)
          await settle(admin, '[data-test="temp-password-dialog"]')
          await admin.screenshot('users-temp-password')
          await admin.click('[data-test="temp-password-close"]')
          await waitHidden(admin, '[data-test="temp-password-dialog"]')
          // Shown once: gone from the page once the dialog is closed.
          assert.equal(await admin.evaluate((pw) => document.body.innerText.includes(pw), temporary), false)

          // The reset ended the post user's sessions: its next request cannot be renewed → login page.
          await front(keeperPage)
          // Opening a page loads its data; the refresh token is revoked, so the session ends → login page.
          await keeperPage.goto(`${server.url}/system/users`)
          await keeperPage.waitFor(() => location.pathname === '/login')
          assert.equal(await keeperPage.evaluate(() => localStorage.getItem('yqyb.session')), null)

          // --- With the temporary password the post user must change it before anything else.
          const fresh = await browser.newPage()
          await front(fresh)
          try {
            await fresh.login(server, 'personal', KEEPER, temporary)
            await fresh.waitFor(() => location.pathname === '/change-password')
            await fresh.waitForSelector('[data-test="forced-notice"]')
            for (const path of ['/system/users', '/system/audit', '/']) {
              await fresh.goto(`${server.url}${path}`)
              await fresh.waitForSelector('[data-test="forced-notice"]')
              assert.equal(await fresh.path(), '/change-password', `${path} must stay closed until the password is changed`)
            }
            const next = `Keeper#${name}2026`
            await fresh.type('input[name="old_password"]', temporary)
            await fresh.type('input[name="new_password"]', next)
            await fresh.type('input[name="confirm_password"]', next)
            await fresh.click('[data-test="password-submit"]')
            await fresh.waitForSelector('[data-test="today-clock"]')
            assert.equal(await fresh.path(), '/today')
            await fresh.waitFor(() => !!document.querySelector('.side-menu [data-menu-code="sys:user"]'))
          } finally {
            await fresh.close()
          }

          // --- The admin reads it all in 审计日志, filtered by action; the filter survives a reload.
          await front(admin)
          await openMenu(admin, '系统管理', 'sys:audit')
          await admin.waitForText('重置密码')
          await admin.click('[data-test="audit-action"]')
          await clickVisible(admin, '.el-select-dropdown__item', '新建角色')
          await admin.click('[data-test="search"]')
          await admin.waitFor(() => new URLSearchParams(location.search).get('action') === 'role_create')
          await admin.goto(`${server.url}/system/audit?action=role_create`)
          await admin.waitFor((r) => {
            const rows = document.querySelectorAll('[data-test="audit-table"] .el-table__body tr.el-table__row')
            return rows.length > 0 && Array.from(rows).every((tr) => tr.textContent.includes('新建角色')) && document.body.textContent.includes(r)
          }, ROLE)
          await waitRow(admin, 'audit-table', ROLE)
          const firstRow = `[data-test="audit-table"] .el-table__body tr.el-table__row`
          await clickStill(admin, `${firstRow} .el-table__expand-icon`)
          await admin.waitForSelector('[data-test="audit-detail"]')
          // Codes are named by their titles once the catalogue is in.
          await admin.waitFor(() => {
            const d = document.querySelector('[data-test="audit-detail"]')
            return d && d.textContent.includes('用户管理') && d.textContent.includes('审计日志') && d.textContent.includes('新建用户')
          })
          await admin.waitForText(ROLE)
          await admin.screenshot('audit')
        } finally {
          await keeperPage?.close()
          await admin.close()
        }
      })

      it('the district regulator resets an enterprise password and sees which login to use', { skip }, async () => {
        const page = await browser.newPage()
        try {
          await page.login(server, 'personal', DEMO.districtRegulator.username, DEMO_PASSWORD)
          await openMenu(page, '监管', 'reg:enterprise')
          // The home page may already name the enterprise (its statistics): wait for the page, then the list.
          await page.waitFor(() => location.pathname === '/regulator/enterprises')
          await page.waitForText(DEMO.enterpriseAdmin.enterprise)
          // Only its own district's enterprises.
          assert.ok(!(await page.evaluate(() => document.body.textContent.includes('北京海淀精工机械有限公司'))))
          // The region filter offers its district subtree, not the other districts.
          await page.click('.list-page__filters .el-tree-select, .list-page__filters .el-select')
          await clickVisible(page, '.el-select-dropdown__item', '朝阳区')
          const offered = await page.evaluate(() =>
            Array.from(document.querySelectorAll('.el-select-dropdown__item')).filter((el) => el.getClientRects().length).map((el) => el.textContent.trim()),
          )
          assert.ok(!offered.includes('海淀区') && !offered.includes('北京市'), offered.join(','))
          await page.click('[data-test="search"]')
          await page.waitFor(() => /region_id=\d+/.test(location.search))
          await waitRow(page, 'enterprises-table', DEMO.enterpriseAdmin.enterprise)
          await page.screenshot('regulator-enterprises')

          const row = `[data-test="enterprise-actions-${DEMO.enterpriseAdmin.enterprise}"]`
          await clickStill(page, `${row} [data-test="reset-user"]`)
          await page.waitForText('企业用户密码吗')
          await confirmBox(page)
          const temporary = await tempPassword(page)
          await page.waitForText('企业用户登录')
          await page.waitForText('91110105MA01ABCD13')
          await settle(page, '[data-test="temp-password-dialog"]')
          await page.screenshot('regulator-temp-password')
          await page.click('[data-test="temp-password-close"]')
          await waitHidden(page, '[data-test="temp-password-dialog"]')

          // The enterprise signs in on the 企业用户登录 tab with its credit code and must change it.
          const login = await apiCall(server, 'POST', '/api/v1/auth/login', { mode: 'enterprise', username: '91110105MA01ABCD13', password: temporary })
          assert.equal(login.status, 200, login.text)
          assert.equal(login.body.must_change_password, true)
        } finally {
          await page.close()
        }
      })

      it('the platform administrator creates a regulator account and finds it in the platform audit log', { skip }, async () => {
        const page = await browser.newPage()
        const login = `东城区安监局${name === 'chromium' ? 'C' : 'F'}`
        try {
          await page.login(server, 'personal', DEMO.platformAdmin.username, DEMO_PASSWORD)
          await openMenu(page, '平台管理', 'plat:regulator')
          await page.waitForText(DEMO.districtRegulator.username)
          await clickStill(page, '[data-test="regulator-create"]')
          const dialog = '[data-test="regulator-form-dialog"]'
          await settle(page, dialog)
          await page.type(`${dialog} input[name="login_name"]`, login)
          await page.type(`${dialog} input[name="display_name"]`, '东城区应急管理局')
          await page.type(`${dialog} input[name="phone"]`, '13800000001')
          await page.click(`${dialog} .el-select`)
          await clickVisible(page, '.el-select-dropdown__item', '东城区')
          await page.click('[data-test="regulator-form-submit"]')
          const temporary = await tempPassword(page)
          await page.waitForText('个人用户登录')
          await page.click('[data-test="temp-password-close"]')
          await waitHidden(page, '[data-test="temp-password-dialog"]')
          await page.waitForSelector(`[data-test="regulator-actions-${login}"]`)
          await page.waitForText('待修改密码')
          await page.screenshot('platform-regulators')

          const signIn = await apiCall(server, 'POST', '/api/v1/auth/login', { mode: 'personal', username: login, password: temporary })
          assert.equal(signIn.status, 200, signIn.text)
          assert.equal(signIn.body.must_change_password, true)

          // 平台管理 → 审计日志: the creation, with the region named.
          await openMenu(page, '平台管理', 'plat:audit')
          await page.waitForText(login)
          await page.type('input[name="q"]', login)
          await page.click('[data-test="search"]')
          await page.waitFor((l) => new URLSearchParams(location.search).get('q') === l, login)
          // The URL changes before the search's answer arrives: wait until every row is about the new account
          // (the filter has been applied) and the table has stopped loading, or the click lands on the
          // loading mask.
          await page.waitFor((l) => {
            const rows = document.querySelectorAll('[data-test="audit-table"] .el-table__body tr.el-table__row')
            return rows.length > 0 && Array.from(rows).every((tr) => tr.textContent.includes(l))
          }, login)
          await waitRow(page, 'audit-table', '新建用户')
          const rows = (await tableRows(page, 'audit-table')).map((cells) => cells.join(' '))
          const created = rows.findIndex((t) => t.includes('新建用户'))
          assert.ok(created >= 0, rows.join('\n'))
          await clickStill(page, `[data-test="audit-table"] .el-table__body tr.el-table__row:nth-of-type(${created + 1}) .el-table__expand-icon`)
          await page.waitFor(() => {
            const d = document.querySelector('[data-test="audit-detail"]')
            return d && d.textContent.includes('所属区域') && d.textContent.includes('东城区')
          })
          await page.screenshot('platform-audit')
        } finally {
          await page.close()
        }
      })
    })
  }
})
