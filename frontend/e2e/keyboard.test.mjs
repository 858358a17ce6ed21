// The main flows by keyboard alone (GB/T 37668-2019, WCAG 2.1.1 and 2.4.7), in Chromium: signing in, the side
// menu, an inspection (answers, a hazard with its grade and photo, 保存草稿, 提交 and its confirmation) and the
// hazard's closed loop (安排整改, 提交整改 with the after-photo, 验收). Only Tab, Shift+Tab, Enter, Space,
// the arrow keys and typed text reach the page: no click, no tap. Each element Tab lands on must show its
// focus (an outline or a ring), and axe-core scans every page on the way (lib/harness.mjs).
//
// Photos are chosen the way a keyboard user does: Enter on 添加照片 opens the browser's file chooser, which
// the test answers.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { binarySkip, browserMatrix, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'
import { ADMIN, ELECTRICIAN, FORKLIFT, must, setClock, tinyPng, token } from './lib/work.mjs'

const noBinary = binarySkip()
// Keyboard events are the same in both browsers through these drivers; Chromium is the one asserted here.
const matrix = browserMatrix().filter((b) => b.name === 'chromium')

const LIST = '叉车司机键盘排查清单'
const DAY = 24 * 3600 * 1000
const beijingDate = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10)
const at = (date, time) => `${date}T${time}+08:00`

const press = (page, key) => page.raw.keyboard.press(key)
const typeText = (page, text) => page.raw.keyboard.type(text)

/** What has the focus, for messages. */
function describeFocus(page) {
  return page.evaluate(() => {
    const a = document.activeElement
    if (!a || a === document.body) return '(nothing)'
    const test = a.closest('[data-test]')?.getAttribute('data-test')
    return `<${a.tagName.toLowerCase()} class="${a.className}"> ${(a.innerText || a.value || a.getAttribute('aria-label') || '').trim().slice(0, 30)} in [data-test=${test}]`
  })
}

/**
 * Whether the focused element shows its focus: its own outline or box-shadow, or (text fields and selects,
 * which draw it on their wrapper) a ring in the theme's primary colour on an ancestor close by.
 */
async function focusShown(page) {
  // Rings fade in (Element Plus's wrappers have a 0.2 s transition): give them a moment.
  for (let i = 0; i < 15; i++) {
    if (await focusShownNow(page)) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

function focusShownNow(page) {
  return page.evaluate(() => {
    const a = document.activeElement
    if (!a || a === document.body) return false
    const ring = (el) => {
      const cs = getComputedStyle(el)
      return (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none'
    }
    if (a.matches('input, textarea')) {
      const primary = getComputedStyle(document.documentElement).getPropertyValue('--el-color-primary').trim()
      const hex = primary.replace('#', '')
      const rgb = `rgb(${parseInt(hex.slice(0, 2), 16)}, ${parseInt(hex.slice(2, 4), 16)}, ${parseInt(hex.slice(4, 6), 16)})`
      for (let el = a, i = 0; el && i < 4; el = el.parentElement, i++) {
        const cs = getComputedStyle(el)
        if (cs.boxShadow.includes(rgb) || (cs.outlineStyle !== 'none' && cs.outlineColor === rgb)) return true
      }
      return false
    }
    return ring(a)
  })
}

/**
 * Presses Tab (or Shift+Tab) until the focus is on an element that matches `selector` (or lies inside one),
 * and whose text contains `text` when given; then checks the focus is visible.
 */
async function tabTo(page, selector, { text, back = false, max = 80 } = {}) {
  for (let i = 0; i <= max; i++) {
    const hit = await page.evaluate(
      ([s, t]) => {
        const a = document.activeElement
        if (!a || a === document.body) return false
        const el = a.matches(s) ? a : a.closest(s)
        return !!el && (t == null || el.innerText.includes(t))
      },
      [selector, text ?? null],
    )
    if (hit) {
      assert.ok(await focusShown(page), `the focus on ${await describeFocus(page)} is not visible`)
      return
    }
    if (i < max) await press(page, back ? 'Shift+Tab' : 'Tab')
  }
  throw new Error(`${max} presses of Tab never reached ${selector}${text ? ` (${text})` : ''}; the focus is on ${await describeFocus(page)}`)
}

/** Presses `key` until the focused element matches `selector`. */
async function keyTo(page, key, selector, max = 30) {
  for (let i = 0; i <= max; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return
    if (i < max) await press(page, key)
  }
  throw new Error(`${key} never reached ${selector}; the focus is on ${await describeFocus(page)}`)
}

/** In an open el-select (the focus on its input): ↓ until the highlighted option contains `text`, then Enter. */
async function pickOption(page, text, max = 30) {
  for (let i = 0; i < max; i++) {
    await press(page, 'ArrowDown')
    await new Promise((r) => setTimeout(r, 80))
    const hovered = await page.evaluate(() => {
      const items = Array.from(document.querySelectorAll('.el-select-dropdown__item.is-hovering')).filter((e) => e.getClientRects().length)
      return items[0]?.innerText ?? null
    })
    if (hovered?.includes(text)) {
      await press(page, 'Enter')
      return
    }
  }
  throw new Error(`no option ${text} came up with ↓`)
}

/** Signs in with the keyboard: Tab to the fields, type, Tab to 登录, Enter. */
async function keyboardLogin(page, server, username) {
  await page.goto(`${server.url}/login`)
  await page.waitForText('个人用户登录')
  await tabTo(page, 'input[name="username"]')
  await typeText(page, username)
  await tabTo(page, 'input[name="password"]')
  await typeText(page, DEMO_PASSWORD)
  await tabTo(page, '[data-test="login-submit"]')
  await press(page, 'Enter')
  await page.waitFor(() => location.pathname !== '/login')
  await page.waitForSelector('.side-menu')
}

/** Opens a page of the side menu with the keyboard: Tab to the group, Enter, ↓ to the entry, Enter. */
async function keyboardMenu(page, group, code) {
  await tabTo(page, '.side-menu .el-sub-menu__title', { text: group })
  const open = await page.evaluate(() => document.activeElement.getAttribute('aria-expanded') === 'true')
  if (!open) await press(page, 'Enter')
  await page.waitFor(() => document.activeElement.getAttribute('aria-expanded') === 'true')
  await keyTo(page, 'ArrowDown', `.side-menu [data-menu-code="${code}"]`)
  assert.ok(await focusShown(page), `the focus on the menu entry ${code} is not visible`)
  await press(page, 'Enter')
}

// A photo shown and a photo still on its way, in both photo widgets: the inspection form's camera tiles
// (CameraPhotos) and the hazard dialogs' upload list (PhotoUpload).
const PHOTO_DONE = '[data-test="photo-done"], .photo-upload__item'
const PHOTO_BUSY = '[data-test="photo-pending"], .photo-upload__tile--busy'

/** Space on 添加照片 / 相册 (the focus on it) opens the file chooser; it gets one small PNG; waits for the thumbnail. */
async function keyboardPhoto(page, box, file) {
  const count = ([b, done]) => Array.from(document.querySelectorAll(b)).reduce((n, el) => n + el.querySelectorAll(done).length, 0)
  const before = await page.evaluate(count, [box, PHOTO_DONE])
  const focus = await describeFocus(page)
  const [chooser] = await Promise.all([
    page.raw.waitForEvent('filechooser', { timeout: 10_000 }).catch((e) => {
      throw new Error(`Space on ${focus} opened no file chooser`, { cause: e })
    }),
    press(page, 'Space'),
  ])
  await chooser.setFiles({ name: file, mimeType: 'image/png', buffer: tinyPng() })
  await page.waitFor(
    ([b, done, busy, n]) => {
      const boxes = Array.from(document.querySelectorAll(b))
      const shown = boxes.reduce((k, el) => k + el.querySelectorAll(done).length, 0)
      return shown === n + 1 && !boxes.some((el) => el.querySelector(busy))
    },
    [box, PHOTO_DONE, PHOTO_BUSY, before],
  )
}

/** Waits until a dialog (or message box) has finished opening and holds the focus. */
async function dialogOpen(page, selector) {
  await page.waitForSelector(selector)
  await page.waitFor((s) => !!document.querySelector(s)?.contains(document.activeElement) && document.getAnimations().every((a) => a.playState !== 'running'), selector)
}

describe('the main flows by keyboard alone', () => {
  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let server
      let browser
      const state = {}
      const day = beijingDate(Date.now() + DAY)

      before(async () => {
        if (skip) return
        server = await startServer(`keyboard-${name}-server`)
        browser = await launchBrowser(name)
        await setClock(server, at(day, '10:00:00'))
        // The forklift driver's checklist: two items of the template standard.
        const adminToken = await token(server, ADMIN)
        const std = await must(server, 'POST', '/api/v1/standard', { from_template: true }, adminToken)
        const items = std.categories.flatMap((c) => c.items).filter((i) => !i.is_major).slice(0, 2)
        const posts = await must(server, 'GET', '/api/v1/post-options', undefined, adminToken)
        const post = posts.find((p) => p.name === '叉车司机')
        await must(server, 'POST', '/api/v1/checklists', { post_id: post.id, name: LIST, frequency: 'daily', item_ids: items.map((i) => i.id) }, adminToken)
        state.items = { ok: items[0], hazard: items[1] }
        // A general grade (not 重大隐患): its rectification needs no plan.
        const grades = await must(server, 'GET', '/api/v1/hazard-grades', undefined, adminToken)
        state.grade = grades.find((g) => g.legal_level === 'general')
        assert.ok(state.grade, JSON.stringify(grades))
      })
      after(async () => {
        await browser?.close()
        await server?.stop()
      })

      it('signs in, fills in and submits an inspection with the keyboard', { skip }, async () => {
        const page = await browser.newPage()
        try {
          await keyboardLogin(page, server, FORKLIFT)
          await keyboardMenu(page, '隐患管理', 'hz:inspect')
          await page.waitFor(() => location.pathname === '/inspections')
          await tabTo(page, `[data-test="slot-action-${LIST}"]`)
          await press(page, 'Enter')
          await page.waitForSelector('[data-test="inspection-summary"]')
          state.inspectionId = Number((await page.path()).split('/').pop())

          const { ok, hazard } = state.items
          await tabTo(page, `[data-test="answer-${ok.id}"] [data-test="result-ok"]`)
          await press(page, 'Space')
          await page.waitFor((s) => document.querySelector(s)?.getAttribute('aria-checked') === 'true', `[data-test="answer-${ok.id}"] [data-test="result-ok"]`)

          const card = `[data-test="answer-${hazard.id}"]`
          await tabTo(page, `${card} [data-test="result-hazard"]`)
          await press(page, 'Space')
          await tabTo(page, `${card} [data-test="hazard-description"]`)
          await typeText(page, '叉车通道地面标线磨损不清，行人与叉车混行')
          // The grades are buttons (each says 重大隐患 or 一般隐患): Tab to the one wanted, Space picks it.
          await tabTo(page, `${card} [data-test="grade-option-${state.grade.code}"]`)
          await press(page, ' ')
          await page.waitFor(([c, g]) => document.querySelector(`${c} [data-test="grade-option-${g}"]`)?.getAttribute('aria-checked') === 'true', [card, state.grade.code])
          await tabTo(page, `${card} [data-test="hazard-location"]`)
          await typeText(page, '仓储部 A 区通道')
          await tabTo(page, `${card} [data-test="photo-gallery"]`)
          await keyboardPhoto(page, `${card} [data-test="photo-upload-answer-${hazard.id}"]`, '通道标线.png')
          await page.waitForText('已填写 2 / 2 项')
          await page.screenshot('keyboard-inspection')

          await tabTo(page, '[data-test="inspection-save"]')
          await press(page, 'Enter')
          await page.waitForText('已保存 2 项')

          await tabTo(page, '[data-test="inspection-submit"]', { back: true })
          await press(page, 'Enter')
          await dialogOpen(page, '.el-message-box')
          await tabTo(page, '.el-message-box__btns .el-button--primary')
          await press(page, 'Enter')
          // The result screen: the hazard registered, with its code.
          await page.waitForSelector('[data-test="inspection-result"]')
          await page.waitForSelector('[data-test="result-hazard-code"]')
          await page.screenshot('keyboard-inspection-result')

          const forkToken = await token(server, FORKLIFT)
          const insp = await must(server, 'GET', `/api/v1/inspections/${state.inspectionId}`, undefined, forkToken)
          assert.equal(insp.status, 'submitted')
          const answer = insp.answers.find((a) => a.item_id === hazard.id)
          assert.equal(answer.result, 'hazard')
          assert.equal(answer.grade_code, state.grade.code)
          assert.equal(answer.photo_ids.length, 1)
          assert.equal(insp.answers.find((a) => a.item_id === ok.id).result, 'ok')
          state.hazardId = answer.hazard_id
          assert.ok(state.hazardId, 'no hazard registered')
        } finally {
          await page.close()
        }
      })

      it('assigns, fixes and accepts the hazard with the keyboard', { skip }, async () => {
        assert.ok(state.hazardId, 'the inspection test registers the hazard')
        const adminToken = await token(server, ADMIN)
        const h0 = await must(server, 'GET', `/api/v1/hazards/${state.hazardId}`, undefined, adminToken)

        // 安排整改 by the admin.
        const admin = await browser.newPage()
        try {
          await keyboardLogin(admin, server, ADMIN)
          await keyboardMenu(admin, '隐患管理', 'hz:ledger')
          await admin.waitForSelector(`[data-test="hazard-link-${h0.code}"]`)
          await tabTo(admin, `[data-test="hazard-link-${h0.code}"]`, { max: 150 })
          await press(admin, 'Enter')
          await admin.waitForSelector('[data-test="hazard-panel"]')
          await tabTo(admin, '[data-test="hazard-action-assign"]')
          await press(admin, 'Enter')
          const dialog = '[data-test="assign-dialog"]'
          await dialogOpen(admin, dialog)
          await tabTo(admin, `${dialog} [data-test="assign-user"]`)
          await pickOption(admin, ELECTRICIAN)
          await admin.waitFor((d) => document.querySelector(`${d} input[name="responsible_person"]`)?.value === '李强', dialog)
          await tabTo(admin, `${dialog} textarea[name="measures"]`)
          await typeText(admin, '重新施划通道标线，设置人车分流隔离栏')
          const deadline = beijingDate(Date.parse(at(day, '12:00:00')) + 7 * DAY)
          await tabTo(admin, `${dialog} .el-date-editor input`)
          await typeText(admin, deadline)
          await press(admin, 'Enter')
          await admin.screenshot('keyboard-assign')
          await tabTo(admin, '[data-test="assign-submit"]')
          await press(admin, 'Enter')
          await admin.waitFor(() => document.querySelector('[data-test="hazard-status"]')?.innerText.trim() === '整改中')
          const h1 = await must(server, 'GET', `/api/v1/hazards/${state.hazardId}`, undefined, adminToken)
          assert.equal(h1.status, 'rectifying')
          assert.equal(h1.responsible_person, '李强')
          assert.equal(h1.deadline, deadline)
        } finally {
          await admin.close()
        }

        // 提交整改 by the electrician, with the after-photo.
        const fixer = await browser.newPage()
        try {
          await keyboardLogin(fixer, server, ELECTRICIAN)
          await keyboardMenu(fixer, '隐患管理', 'hz:ledger')
          await fixer.waitForSelector(`[data-test="hazard-link-${h0.code}"]`)
          await tabTo(fixer, `[data-test="hazard-link-${h0.code}"]`, { max: 150 })
          await press(fixer, 'Enter')
          await fixer.waitForSelector('[data-test="hazard-action-fix"]')
          await tabTo(fixer, '[data-test="hazard-action-fix"]')
          await press(fixer, 'Enter')
          const fix = '[data-test="evidence-dialog-fix"]'
          await dialogOpen(fixer, fix)
          await tabTo(fixer, `${fix} [data-test="evidence-note"]`)
          await typeText(fixer, '已重新施划标线并安装隔离栏')
          await tabTo(fixer, `${fix} [data-test="photo-add"]`)
          await keyboardPhoto(fixer, `${fix} [data-test="photo-upload-evidence-fix"]`, '整改后.png')
          await tabTo(fixer, `${fix} [data-test="evidence-submit"]`)
          await press(fixer, 'Enter')
          await fixer.waitFor(() => document.querySelector('[data-test="hazard-status"]')?.innerText.trim() === '待验收')
        } finally {
          await fixer.close()
        }

        // 验收 by the admin: closed (销号).
        const again = await browser.newPage()
        try {
          await keyboardLogin(again, server, ADMIN)
          await keyboardMenu(again, '隐患管理', 'hz:ledger')
          await again.waitForSelector(`[data-test="hazard-link-${h0.code}"]`)
          await tabTo(again, `[data-test="hazard-link-${h0.code}"]`, { max: 150 })
          await press(again, 'Enter')
          await again.waitForSelector('[data-test="hazard-action-accept"]')
          await tabTo(again, '[data-test="hazard-action-accept"]')
          await press(again, 'Enter')
          const accept = '[data-test="evidence-dialog-accept"]'
          await dialogOpen(again, accept)
          await tabTo(again, `${accept} [data-test="evidence-note"]`)
          await typeText(again, '现场复查标线清晰，隔离栏牢固，同意销号')
          await tabTo(again, `${accept} [data-test="evidence-submit"]`)
          await press(again, 'Enter')
          await again.waitForSelector('[data-test="hazard-closed"]')
          await again.screenshot('keyboard-accepted')
          const h2 = await must(server, 'GET', `/api/v1/hazards/${state.hazardId}`, undefined, adminToken)
          assert.equal(h2.status, 'closed')
        } finally {
          await again.close()
        }
      })
    })
  }
})
