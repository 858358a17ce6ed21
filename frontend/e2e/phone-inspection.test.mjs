// The post user's app on a phone (390×844, touch) in Chromium and Firefox ESR: the login lands on 今日排查
// (deadline in Beijing time from the server's clock); one tap starts the inspection; the form goes item by
// item; a hazard gets its grade (the picker says 重大隐患) and a photo from the camera input (`capture`);
// 保存草稿 keeps the hazard while its description is still missing (also after a reload); completed, it is
// submitted and the result screen shows the registered hazard with its code, which opens the hazard.
// Every page fits the screen (scrollWidth ≤ innerWidth). Screenshots: e2e/artifacts/<browser>/phone-app-*.png.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { binarySkip, browserMatrix, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'
import { ADMIN, confirmBox, FORKLIFT, must, setClock, setFiles, tinyPng, token } from './lib/work.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()
const PHONE = { width: 390, height: 844, phone: true }
const LIST = '叉车司机每日排查清单'
const HAZARD_TEXT = '3号货架立柱被叉车撞击变形，横梁锁扣脱落'

const DAY = 24 * 3600 * 1000
const beijingDate = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10)
const at = (date, time) => `${date}T${time}+08:00`
const textOf = (page, selector) => page.evaluate((s) => document.querySelector(s)?.innerText.trim() ?? null, selector)

/** Waits until no loading mask shows and the page stopped changing. */
async function quiet(page) {
  let last = ''
  for (let i = 0; i < 40; i++) {
    const now = await page.evaluate(() =>
      document.querySelectorAll('.el-loading-mask').length ? '' : `${document.body.innerText.length}:${document.documentElement.scrollWidth}`,
    )
    if (now && now === last) return
    last = now
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** Taps an element after scrolling it to the middle of the screen (clear of the sticky header and action bar). */
async function tap(page, selector) {
  await page.waitForSelector(selector)
  await page.evaluate((s) => document.querySelector(s).scrollIntoView({ block: 'center' }), selector)
  await page.tap(selector)
}

/** Nothing on the page is wider than the screen. */
async function fits(page, what) {
  await quiet(page)
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }))
  assert.ok(m.sw <= m.w, `${what} is ${m.sw - m.w}px wider than the screen (${m.sw} > ${m.w})`)
}

describe('the post user’s app on a phone', () => {
  for (const { name, skip: noBrowser } of matrix) {
    const skip = noBinary || noBrowser
    describe(name, () => {
      let server
      let browser
      const day = beijingDate(Date.now() + DAY)
      const state = {}

      before(async () => {
        if (skip) return
        server = await startServer(`phone-app-${name}-server`)
        browser = await launchBrowser(name)
        await setClock(server, at(day, '10:00:00'))
        const adminToken = await token(server, ADMIN)
        const std = await must(server, 'POST', '/api/v1/standard', { from_template: true }, adminToken)
        const shelf = std.categories.find((c) => c.name === '货架与仓储区')
        const general = shelf.items.filter((i) => !i.is_major).slice(0, 2)
        const fire = std.categories.flatMap((c) => c.items).find((i) => !i.is_major && i.category_id !== shelf.id)
        const posts = await must(server, 'GET', '/api/v1/post-options', undefined, adminToken)
        const post = posts.find((p) => p.name === '叉车司机')
        await must(server, 'POST', '/api/v1/checklists', { post_id: post.id, name: LIST, frequency: 'daily', item_ids: [general[0].id, general[1].id, fire.id] }, adminToken)
        state.items = [general[0], general[1], fire]
        await must(server, 'GET', '/api/v1/hazard-grades', undefined, adminToken)
      })
      after(async () => {
        await browser?.close()
        await server?.stop()
      })

      it('lands on 今日排查, inspects item by item with a camera photo, keeps an incomplete draft, submits and opens the hazard', { skip }, async () => {
        const forkToken = await token(server, FORKLIFT)
        const page = await browser.newPage(PHONE)
        try {
          // The login lands on 今日排查: the checklist due today, by 23:59 Beijing time on the server's day.
          await page.login(server, 'personal', FORKLIFT, DEMO_PASSWORD)
          await page.waitFor(() => location.pathname === '/today')
          const slot = `[data-test="today-slot-${LIST}"]`
          await page.waitForSelector(slot)
          assert.match(await textOf(page, '[data-test="today-clock"]'), new RegExp(`${day} 10:0\\d（北京时间`))
          assert.match(await textOf(page, `${slot} [data-test="today-deadline"]`), new RegExp(`截止 ${day} 23:59`))
          assert.match(await textOf(page, '[data-test="today-due"]'), /待排查 1 项/)
          // No account table, build hash or instructions wall; the start button is a big target above the fold.
          assert.equal(await page.evaluate(() => !!document.querySelector('[data-test="welcome"]')), false)
          const go = await page.evaluate((s) => {
            const r = document.querySelector(s).getBoundingClientRect()
            return { h: r.height, bottom: r.bottom, vh: window.innerHeight }
          }, `[data-test="today-go-${LIST}"]`)
          assert.ok(go.h >= 44 && go.bottom <= go.vh, `开始排查 is ${JSON.stringify(go)}`)
          await fits(page, '今日排查')
          await page.screenshot('phone-app-today')

          // One tap starts the inspection, item by item on a phone.
          await tap(page, `[data-test="today-go-${LIST}"]`)
          await page.waitFor(() => /^\/inspections\/\d+$/.test(location.pathname))
          const inspectionId = Number((await page.path()).split('/').pop())
          await page.waitForSelector('[data-test="step-position"]')
          assert.match(await textOf(page, '[data-test="step-position"]'), /第 1 \/ 3 项/)
          await fits(page, 'the form')

          // Item 1: 隐患, grade A级 (the picker says 重大隐患), a photo from the camera input.
          const [h, ok1, ok2] = state.items
          const card = `[data-test="answer-${h.id}"]`
          await tap(page, `${card} [data-test="result-hazard"]`)
          await page.waitForSelector(`${card} [data-test="grade-option-A"]`)
          assert.match(await textOf(page, `${card} [data-test="grade-option-A"]`), /A级\s*重大隐患/)
          await tap(page, `${card} [data-test="grade-option-A"]`)
          const input = `[data-test="photo-input-answer-${h.id}"]`
          assert.equal(await page.evaluate((s) => document.querySelector(s).getAttribute('capture'), input), 'environment')
          assert.equal(await page.evaluate((s) => document.querySelector(s).getAttribute('accept'), input), 'image/*')
          await setFiles(page, input, [{ name: '货架立柱.png', type: 'image/png', data: tinyPng() }])
          await page.waitFor((c) => document.querySelectorAll(`${c} [data-test="photo-done"]`).length === 1 && !document.querySelector(`${c} [data-test="photo-pending"]`), card)
          // The description is still missing: said, not refused.
          assert.match(await textOf(page, `${card} [data-test="answer-pending"]`), /隐患描述/)
          await fits(page, 'the form with a hazard')
          await page.screenshot('phone-app-hazard')

          // 保存草稿 keeps the incomplete hazard.
          await tap(page, '[data-test="inspection-save"]')
          await page.waitForText('尚未填写完整')
          let insp = await must(server, 'GET', `/api/v1/inspections/${inspectionId}`, undefined, forkToken)
          let a = insp.answers.find((x) => x.item_id === h.id)
          assert.equal(insp.status, 'draft')
          assert.equal(a.result, 'hazard')
          assert.equal(a.description, '')
          assert.equal(a.grade_code, 'A')
          assert.equal(a.photo_ids.length, 1)

          // A reload finds it as it was.
          await page.goto(`${server.url}/inspections/${inspectionId}`)
          await page.waitForSelector(`${card} [data-test="answer-pending"]`)
          assert.equal(await page.evaluate((c) => document.querySelectorAll(`${c} [data-test="photo-done"]`).length, card), 1)

          // Complete it; 合格 on the next items moves on by itself.
          await page.type(`${card} [data-test="hazard-description"]`, HAZARD_TEXT)
          await tap(page, '[data-test="step-next"]')
          await tap(page, `[data-test="answer-${ok1.id}"] [data-test="result-ok"]`)
          await page.waitForSelector(`[data-test="answer-${ok2.id}"]`)
          await tap(page, `[data-test="answer-${ok2.id}"] [data-test="result-ok"]`)
          assert.match(await textOf(page, '[data-test="inspection-progress"]'), /已填写 3 \/ 3 项，发现隐患 1 项/)
          await fits(page, 'the completed form')
          await page.screenshot('phone-app-form')

          // 提交 → the result screen with the hazard's code.
          await tap(page, '[data-test="inspection-submit"]')
          await confirmBox(page)
          await page.waitForSelector('[data-test="inspection-result"]')
          assert.equal(await page.path(), `/inspections/${inspectionId}/result`)
          insp = await must(server, 'GET', `/api/v1/inspections/${inspectionId}`, undefined, forkToken)
          a = insp.answers.find((x) => x.item_id === h.id)
          assert.equal(insp.status, 'submitted')
          assert.match(a.hazard_code, /^YH-\d{4}-\d{6}$/)
          assert.equal(await textOf(page, '[data-test="result-hazard-code"]'), a.hazard_code)
          assert.match(await textOf(page, '[data-test="result-hazard"]'), /重大隐患/)
          assert.match(await textOf(page, '[data-test="result-follow"]'), /隐患台账/)
          await fits(page, 'the result screen')
          await page.screenshot('phone-app-result')

          // The hazard opens from the result screen.
          await tap(page, '[data-test="result-hazard"]')
          await page.waitFor((id) => location.pathname === `/hazards/${id}`, a.hazard_id)
          await page.waitForText(a.hazard_code)
          await fits(page, 'the hazard')
          await page.screenshot('phone-app-hazard-detail')

          // Back on 今日排查 the checklist is done for this period.
          await page.goto(`${server.url}/today`)
          await page.waitForSelector(`[data-test="today-done-${LIST}"]`)
          await fits(page, '今日排查 after submitting')
        } catch (e) {
          await page.screenshot('phone-app-failure').catch(() => undefined)
          throw e
        } finally {
          await page.close()
        }
      })
    })
  }
})
