// The post user's app: the answers payload (incomplete drafts included), 今日排查's grouping, and the
// photo scaling rule.
import { describe, expect, it } from 'vitest'
import type { InspectionSlot } from '@/api/types/inspection'
import type { AnswerDraft } from '@/views/inspection/answerRules'
import { answersPayload, changedItemIds } from '@/views/inspection/answersPayload'
import { groupSlots } from '@/views/inspection/todaySlots'
import { jpegName, scaledSize } from '@/views/inspection/photoPrep'

const d = (id: number, patch: Partial<AnswerDraft> = {}): AnswerDraft => ({
  item_id: id,
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

describe('answersPayload', () => {
  it('sends every changed answer with a result, incomplete hazards included, and nothing unchanged or unanswered', () => {
    const saved = { 1: d(1, { result: 'ok' }), 2: d(2), 3: d(3), 4: d(4, { result: 'na', na_reason: '无' }) }
    const now = [d(1, { result: 'ok' }), d(2, { result: 'hazard', grade_code: 'B' }), d(3), d(4, { result: 'na', na_reason: '' })]
    expect(changedItemIds(now, saved)).toEqual([2, 4])
    expect(answersPayload(now, saved)).toEqual([
      { item_id: 2, result: 'hazard', description: '', grade_code: 'B', location: undefined, photo_ids: undefined },
      { item_id: 4, result: 'na', na_reason: '' },
    ])
  })
})

const slot = (name: string, state: InspectionSlot['state'], left: number, prev: InspectionSlot['previous_state'] = 'submitted'): InspectionSlot => ({
  checklist_id: name.length,
  checklist_name: name,
  frequency: 'daily',
  frequency_name: '每日',
  item_count: 5,
  period: { key: 'k', label: 'l', start: '', end: '', deadline: '', seconds_left: left },
  state,
  inspection_id: state === 'not_started' ? null : 1,
  started_by: '',
  started_at: null,
  submitted_at: null,
  previous_period: 'p',
  previous_state: prev,
})

describe('groupSlots', () => {
  it('sorts what is due by the time left and separates drafts, submitted and missed', () => {
    const g = groupSlots([slot('周检', 'not_started', 500000), slot('日检', 'not_started', 3600, 'missed'), slot('月检', 'draft', 90000), slot('季检', 'submitted', 10)])
    expect(g.due.map((s) => s.checklist_name)).toEqual(['日检', '周检'])
    expect(g.inProgress.map((s) => s.checklist_name)).toEqual(['月检'])
    expect(g.done.map((s) => s.checklist_name)).toEqual(['季检'])
    expect(g.missed.map((s) => s.checklist_name)).toEqual(['日检'])
  })
})

describe('photo scaling', () => {
  it('scales the long side to 1600 px keeping the aspect, and leaves small images alone', () => {
    expect(scaledSize(4000, 3000)).toEqual({ width: 1600, height: 1200 })
    expect(scaledSize(3024, 4032)).toEqual({ width: 1200, height: 1600 })
    expect(scaledSize(1200, 800)).toEqual({ width: 1200, height: 800 })
    expect(jpegName('IMG_0001.HEIC')).toBe('IMG_0001.jpg')
    expect(jpegName('现场')).toBe('现场.jpg')
  })
})
