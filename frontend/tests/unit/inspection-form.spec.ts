// What an inspection answer needs before it can be saved — 隐患: description and grade (and, fixed on the
// spot, a note and a photo); 不涉及: a reason — and how the form behaves: only changed answers are sent,
// incomplete ones are not, submitting needs every item, and a closed period (410) turns it read-only.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import type { Inspection, InspectionAnswer } from '@/api/types/inspection'
import { useAuthStore } from '@/stores/auth'
import InspectionFormView from '@/views/inspection/InspectionFormView.vue'
import { answerProblems, fromAnswer, toAnswerInput, type AnswerDraft } from '@/views/inspection/answerRules'
import { json, scriptedFetch, type SentRequest } from './helpers'

const draft = (patch: Partial<AnswerDraft>): AnswerDraft => ({
  item_id: 1,
  result: null,
  description: '',
  grade_code: '',
  location: '',
  fixed_on_spot: false,
  spot_note: '',
  na_reason: '',
  photo_ids: [],
  ...patch,
})

// The confirmation before submitting answers yes.
vi.mock('@/utils/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

describe('answer rules', () => {
  const cases: Array<{ name: string; d: Partial<AnswerDraft>; want: string[] }> = [
    { name: 'unanswered is fine for a draft', d: {}, want: [] },
    { name: '合格 needs nothing more', d: { result: 'ok' }, want: [] },
    { name: '隐患 needs a description and a grade', d: { result: 'hazard' }, want: ['description', 'grade'] },
    { name: 'a blank description does not count', d: { result: 'hazard', description: '   ', grade_code: 'B' }, want: ['description'] },
    { name: '隐患 with description and grade', d: { result: 'hazard', description: '灭火器过期', grade_code: 'C' }, want: [] },
    { name: 'location and photos are optional', d: { result: 'hazard', description: 'x', grade_code: 'C', photo_ids: [] }, want: [] },
    {
      name: '当场整改 needs a note and a photo',
      d: { result: 'hazard', description: 'x', grade_code: 'D', fixed_on_spot: true },
      want: ['spot_note', 'photos'],
    },
    {
      name: '当场整改 with a note but no photo',
      d: { result: 'hazard', description: 'x', grade_code: 'D', fixed_on_spot: true, spot_note: '已更换' },
      want: ['photos'],
    },
    {
      name: '当场整改 complete',
      d: { result: 'hazard', description: 'x', grade_code: 'D', fixed_on_spot: true, spot_note: '已更换', photo_ids: [5] },
      want: [],
    },
    { name: '不涉及 needs a reason', d: { result: 'na' }, want: ['na_reason'] },
    { name: '不涉及 with a reason', d: { result: 'na', na_reason: '本岗位无叉车' }, want: [] },
    { name: 'too long a description', d: { result: 'hazard', description: 'x'.repeat(2001), grade_code: 'B' }, want: ['too_long'] },
  ]
  for (const c of cases) {
    it(c.name, () => expect(answerProblems(draft(c.d))).toEqual(c.want))
  }

  it('requires a result only when submitting', () => {
    expect(answerProblems(draft({}), true)).toEqual(['result'])
  })

  it('sends only the fields of the chosen result', () => {
    const full = draft({ result: 'hazard', description: ' 漏电 ', grade_code: 'A', location: ' ', na_reason: 'left over', photo_ids: [3] })
    expect(toAnswerInput(full)).toEqual({ item_id: 1, result: 'hazard', description: '漏电', grade_code: 'A', location: undefined, photo_ids: [3] })
    expect(toAnswerInput({ ...full, fixed_on_spot: true, spot_note: ' 已断电维修 ' })).toMatchObject({ fixed_on_spot: true, spot_note: '已断电维修' })
    expect(toAnswerInput({ ...full, result: 'na', na_reason: ' 无 ' })).toEqual({ item_id: 1, result: 'na', na_reason: '无' })
    expect(toAnswerInput({ ...full, result: 'ok' })).toEqual({ item_id: 1, result: 'ok' })
  })

  it('splits the on-the-spot note the server appends to the description, and preselects the default grade', () => {
    const base = answer(9, { default_grade: 'C' })
    expect(fromAnswer(base).grade_code).toBe('C')
    const stored = fromAnswer({ ...base, result: 'hazard', grade_code: 'D', fixed_on_spot: true, description: '插座松动\n当场整改：已紧固' })
    expect(stored).toMatchObject({ description: '插座松动', spot_note: '已紧固', grade_code: 'D', fixed_on_spot: true })
  })
})

function answer(id: number, patch: Partial<InspectionAnswer> = {}): InspectionAnswer {
  return {
    item_id: id,
    category_name: id < 3 ? '消防安全' : '叉车作业',
    subject: `项目${id}`,
    content: `内容${id}`,
    criterion: `标准${id}`,
    basis: `依据${id}`,
    item_version: 1,
    is_major: false,
    default_grade: 'B',
    result: null,
    description: '',
    grade_code: '',
    location: '',
    fixed_on_spot: false,
    na_reason: '',
    photo_ids: [],
    answered_by: '',
    answered_at: null,
    hazard_id: null,
    hazard_code: '',
    ...patch,
  }
}

function inspection(patch: Partial<Inspection> = {}): Inspection {
  return {
    id: 7,
    checklist_id: 3,
    checklist_name: '叉车司机每日排查清单',
    post_id: 4,
    post_name: '叉车司机',
    frequency: 'daily',
    period: {
      key: '2026-11-28',
      label: '2026年11月28日',
      start: '2026-11-28T00:00:00+08:00',
      end: '2026-11-29T00:00:00+08:00',
      deadline: '2026-11-28T23:59:59+08:00',
      seconds_left: 3600,
    },
    open: true,
    status: 'draft',
    started_by: '赵磊',
    started_at: '2026-11-28T01:00:00Z',
    submitted_by: '',
    submitted_at: null,
    hazard_count: 0,
    answered: 0,
    answers: [answer(1), answer(2, { is_major: true }), answer(3)],
    ...patch,
  }
}

const grades = [
  { id: 1, code: 'A', name: 'A级', legal_level: 'major', description: '', sort_order: 0, items: 0 },
  { id: 2, code: 'B', name: 'B级', legal_level: 'general', description: '', sort_order: 1, items: 0 },
]

async function mountForm(answerFor: (req: SentRequest) => Response | undefined) {
  const { fetch, sent } = scriptedFetch((req) => {
    const custom = answerFor(req)
    if (custom) return custom
    if (req.path === '/api/v1/inspections/7') return json(200, inspection())
    if (req.path === '/api/v1/hazard-grades') return json(200, grades)
    if (req.path === '/api/v1/meta') return json(200, { name: 'x', time_zone: 'Asia/Shanghai', server_time: new Date().toISOString() })
    return json(404, { code: 'not_found', message: '不存在' })
  })
  vi.stubGlobal('fetch', fetch)
  const pinia = createPinia()
  setActivePinia(pinia)
  useAuthStore().profile = { permissions: ['hz:inspect', 'hz:ledger'], menus: [], user: { id: 9, kind: 'post_user', login_name: 'p', display_name: '赵磊' } } as never
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/inspections/:id', component: InspectionFormView },
      { path: '/inspections', component: { template: '<div />' } },
    ],
  })
  await router.push('/inspections/7')
  const w = mount(InspectionFormView, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
  await flushPromises()
  return { w, sent }
}

const writes = (sent: SentRequest[]) => sent.filter((s) => s.method !== 'GET')
const click = async (w: ReturnType<typeof mount>, sel: string) => {
  await w.get(sel).trigger('click')
  await flushPromises()
}

describe('InspectionFormView', () => {
  beforeEach(() => {
    localStorage.clear()
    tokenStore.reload()
    document.body.innerHTML = ''
    Element.prototype.scrollIntoView = vi.fn()
    window.scrollTo = vi.fn() as never
  })

  it('shows each item with its category, content and (on demand) criterion and basis', async () => {
    const { w } = await mountForm(() => undefined)
    expect(w.text()).toContain('叉车司机每日排查清单')
    expect(w.text()).toContain('消防安全')
    expect(w.text()).toContain('内容1')
    expect(w.text()).not.toContain('标准1')
    await click(w, '[data-test="answer-1"] .answer__toggle')
    expect(w.get('[data-test="answer-1"]').text()).toContain('标准1')
    expect(w.get('[data-test="answer-1"]').text()).toContain('依据1')
    expect(w.get('[data-test="answer-2"]').text()).toContain('重大隐患判定')
  })

  it('saves a hazard without its description as a draft (a draft keeps whatever was entered), sending only the changed answers', async () => {
    const { w, sent } = await mountForm((req) => (req.method === 'PUT' ? json(200, inspection()) : undefined))
    await click(w, '[data-test="answer-1"] [data-test="result-hazard"]')
    await click(w, '[data-test="answer-3"] [data-test="result-ok"]')
    // What is still missing is said, without refusing the draft; the default grade was preselected.
    expect(w.get('[data-test="answer-1"] [data-test="answer-pending"]').text()).toContain('隐患描述')
    expect(w.get('[data-test="answer-1"] [data-test="answer-pending"]').text()).not.toContain('隐患等级')
    await click(w, '[data-test="inspection-save"]')
    const put = writes(sent)
    expect(put.map((s) => `${s.method} ${s.path}`)).toEqual(['PUT /api/v1/inspections/7/answers'])
    expect(put[0]!.body).toEqual({
      answers: [
        { item_id: 1, result: 'hazard', description: '', grade_code: 'B' },
        { item_id: 3, result: 'ok' },
      ],
    })
  })

  it('does not submit a hazard without its description, 不涉及 without a reason or 当场整改 without note and photo', async () => {
    const { w, sent } = await mountForm(() => undefined)
    await click(w, '[data-test="answer-1"] [data-test="result-na"]')
    await click(w, '[data-test="answer-2"] [data-test="result-hazard"]')
    await click(w, '[data-test="answer-3"] [data-test="result-hazard"]')
    await w.get('[data-test="answer-3"] textarea[data-test="hazard-description"]').setValue('插座松动')
    await w.get('[data-test="answer-3"] [data-test="hazard-spot"] input').setValue(true)
    await flushPromises()
    await click(w, '[data-test="inspection-submit"]')
    expect(writes(sent)).toEqual([])
    expect(w.get('[data-test="inspection-incomplete"]').text()).toContain('第 1、2、3 项')
    expect(w.get('[data-test="answer-1"]').text()).toContain('请说明不涉及的原因')
    expect(w.get('[data-test="answer-2"]').text()).toContain('请填写隐患描述')
    const spot = w.get('[data-test="answer-3"]').text()
    expect(spot).toContain('请说明当场整改的情况')
    expect(spot).toContain('当场整改须上传整改后的照片')
  })

  it('shows which items the server found incomplete at submit', async () => {
    const incomplete = {
      code: 'inspection_incomplete',
      message: '第2项“项目2”缺隐患描述未填写完整，不能提交',
      details: { unanswered: 0, items: [{ item_id: 2, index: 2, subject: '项目2', missing: ['description'] }] },
    }
    const { w, sent } = await mountForm((req) => (req.method === 'POST' ? json(400, incomplete) : undefined))
    for (const i of [1, 2, 3]) await click(w, `[data-test="answer-${i}"] [data-test="result-ok"]`)
    await click(w, '[data-test="inspection-submit"]')
    expect(writes(sent).map((s) => s.path)).toEqual(['/api/v1/inspections/7/submit'])
    expect(w.get('[data-test="inspection-incomplete"]').text()).toContain(incomplete.message)
    expect(w.get('[data-test="answer-2"] [data-test="answer-server-error"]').text()).toBe('提交前须补充：隐患描述')
  })

  it('does not submit while items are unanswered, and says which', async () => {
    const { w, sent } = await mountForm(() => undefined)
    await click(w, '[data-test="answer-1"] [data-test="result-ok"]')
    await click(w, '[data-test="inspection-submit"]')
    expect(writes(sent)).toEqual([])
    expect(w.get('[data-test="inspection-incomplete"]').text()).toContain('还有 2 项未填写（第 2、3 项）')
    expect(w.get('[data-test="answer-2"]').text()).toContain('请选择排查结果')
  })

  it('turns read-only with the server’s message when the period has closed', async () => {
    const closed = {
      code: 'period_closed',
      message: '上报周期“2026年11月28日”已于 2026-11-28 23:59:59 结束，不能再填报或修改（不可以补录）',
      details: { period: '2026-11-28' },
    }
    const { w, sent } = await mountForm((req) => (req.method === 'PUT' ? json(410, closed) : undefined))
    await click(w, '[data-test="answer-1"] [data-test="result-ok"]')
    await click(w, '[data-test="inspection-save"]')
    expect(writes(sent).length).toBe(1)
    const banner = w.get('[data-test="period-closed"]')
    expect(banner.text()).toContain(closed.message)
    expect(banner.text()).toContain('不可以补录')
    expect(w.find('[data-test="inspection-save"]').exists()).toBe(false)
    expect(w.find('[data-test="result-ok"]').exists()).toBe(false)
  })

  it('opens a past period read-only', async () => {
    const { w } = await mountForm((req) => (req.path === '/api/v1/inspections/7' ? json(200, inspection({ open: false })) : undefined))
    expect(w.get('[data-test="period-closed"]').text()).toContain('2026年11月28日')
    expect(w.find('[data-test="inspection-actions"]').exists()).toBe(false)
  })
})
