// The countdown of a reporting period (FAQ 18) and the half-months of the usage rate (FAQ 4).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { i18n } from '@/locales'
import { formatCountdown, remainingSeconds, splitSeconds, urgency } from '@/utils/countdown'
import PeriodCountdown from '@/views/inspection/PeriodCountdown.vue'
import { halfMonthOf, previousHalf, recentHalfMonths } from '@/views/inspection/halfMonths'

describe('countdown formatting', () => {
  const cases: Array<[number, string]> = [
    [0, '00:00:00'],
    [-5, '00:00:00'],
    [1, '00:00:01'],
    [59, '00:00:59'],
    [61, '00:01:01'],
    [3599, '00:59:59'],
    [3600, '01:00:00'],
    [86_399, '23:59:59'],
    [86_400, '1天 00:00:00'],
    [90_061, '1天 01:01:01'],
    [31 * 86_400 + 5, '31天 00:00:05'],
    [12.9, '00:00:12'],
    [Number.NaN, '00:00:00'],
  ]
  for (const [s, want] of cases) {
    it(`${s} s → ${want}`, () => expect(formatCountdown(s)).toBe(want))
  }

  it('splits seconds into parts', () => {
    expect(splitSeconds(2 * 86_400 + 3 * 3600 + 4 * 60 + 5)).toEqual({ days: 2, hours: 3, minutes: 4, seconds: 5 })
  })

  it('counts down from what the server said with the browser’s elapsed time, never below zero', () => {
    expect(remainingSeconds(100, 1_000, 1_000)).toBe(100)
    expect(remainingSeconds(100, 1_000, 1_999)).toBe(100)
    expect(remainingSeconds(100, 1_000, 31_000)).toBe(70)
    expect(remainingSeconds(100, 1_000, 500_000)).toBe(0)
    // A browser clock that jumps back does not add time.
    expect(remainingSeconds(100, 10_000, 5_000)).toBe(100)
  })

  it('grades the urgency', () => {
    expect(urgency(0)).toBe('closed')
    expect(urgency(60)).toBe('urgent')
    expect(urgency(7199)).toBe('urgent')
    expect(urgency(7200)).toBe('soon')
    expect(urgency(86_399)).toBe('soon')
    expect(urgency(86_400)).toBe('normal')
  })
})

describe('PeriodCountdown', () => {
  afterEach(() => vi.useRealTimers())

  it('ticks every second and says when the period has ended', async () => {
    vi.useFakeTimers()
    const start = Date.now()
    const w = mount(PeriodCountdown, { props: { secondsLeft: 2, since: start }, global: { plugins: [i18n] } })
    expect(w.text()).toContain('剩余 00:00:02')
    vi.advanceTimersByTime(1000)
    await flushPromises()
    expect(w.text()).toContain('剩余 00:00:01')
    vi.advanceTimersByTime(2000)
    await flushPromises()
    expect(w.text()).toContain('本周期已截止')
    expect(w.get('[data-test="countdown"]').classes()).toContain('countdown--closed')
    w.unmount()
  })
})

describe('half-months of the usage rate', () => {
  it('names the half-month of a day', () => {
    expect(halfMonthOf(2026, 11, 15).date).toBe('2026-11-01')
    expect(halfMonthOf(2026, 11, 16).date).toBe('2026-11-16')
    expect(halfMonthOf(2026, 2, 28)).toEqual({ year: 2026, month: 2, half: 2, date: '2026-02-16' })
  })

  it('goes back across months and years', () => {
    expect(previousHalf(halfMonthOf(2026, 11, 20)).date).toBe('2026-11-01')
    expect(previousHalf(halfMonthOf(2026, 11, 3)).date).toBe('2026-10-16')
    expect(previousHalf(halfMonthOf(2026, 1, 3)).date).toBe('2025-12-16')
    expect(recentHalfMonths('2026-01-20', 4).map((h) => h.date)).toEqual(['2026-01-16', '2026-01-01', '2025-12-16', '2025-12-01'])
    expect(recentHalfMonths('bad', 3)).toEqual([])
  })
})
