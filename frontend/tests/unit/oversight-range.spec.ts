// Ranges, report periods and the regulator dashboard's URL query: computed in Asia/Shanghai from
// the server's clock, whatever the browser's zone.
import { describe, expect, it } from 'vitest'
import {
  canDrill,
  currentQuarter,
  dashboardQuery,
  inclusiveEnd,
  isDay,
  parseDashboardQuery,
  parsePeriod,
  previousQuarter,
  quarterRange,
  rangeShortcuts,
  rangeStart,
  regionCrumbs,
  reportPeriods,
} from '@/views/oversight/range'
import { deadlineState } from '@/views/oversight/supervision'

const TZ = 'Asia/Shanghai'
// 2026-09-30 17:00 UTC is already 1 October in Beijing: the fourth quarter.
const EDGE = new Date('2026-09-30T17:00:00Z')
const NOV = new Date('2026-11-29T05:00:00Z')
const JAN = new Date('2027-01-05T02:00:00Z')

describe('quarters and default ranges', () => {
  it('quarter ranges end on the last day of the month', () => {
    expect(quarterRange(2026, 1)).toEqual(['2026-01-01', '2026-03-31'])
    expect(quarterRange(2024, 1)).toEqual(['2024-01-01', '2024-03-31'])
    expect(quarterRange(2026, 2)).toEqual(['2026-04-01', '2026-06-30'])
    expect(quarterRange(2026, 3)).toEqual(['2026-07-01', '2026-09-30'])
    expect(quarterRange(2026, 4)).toEqual(['2026-10-01', '2026-12-31'])
  })
  it('the current quarter follows the business zone, not UTC', () => {
    expect(currentQuarter(EDGE, TZ)).toEqual(['2026-10-01', '2026-12-31'])
    expect(currentQuarter(EDGE, 'UTC')).toEqual(['2026-07-01', '2026-09-30'])
    expect(currentQuarter(NOV, TZ)).toEqual(['2026-10-01', '2026-12-31'])
  })
  it('the previous quarter crosses the year', () => {
    expect(previousQuarter(NOV, TZ)).toEqual(['2026-07-01', '2026-09-30'])
    expect(previousQuarter(JAN, TZ)).toEqual(['2026-10-01', '2026-12-31'])
  })
  it('offers this and last quarter and year as shortcuts', () => {
    expect(rangeShortcuts(NOV, TZ)).toEqual([
      { key: 'thisQuarter', range: ['2026-10-01', '2026-12-31'] },
      { key: 'lastQuarter', range: ['2026-07-01', '2026-09-30'] },
      { key: 'thisYear', range: ['2026-01-01', '2026-12-31'] },
      { key: 'lastYear', range: ['2025-01-01', '2025-12-31'] },
    ])
  })
  it('reads the API range: start day, and the exclusive end as the last day', () => {
    expect(rangeStart('2026-10-01T00:00:00+08:00', TZ)).toBe('2026-10-01')
    expect(inclusiveEnd('2027-01-01T00:00:00+08:00', TZ)).toBe('2026-12-31')
    expect(inclusiveEnd(null, TZ)).toBe('')
    expect(inclusiveEnd('nonsense', TZ)).toBe('')
  })
  it('checks days', () => {
    expect(isDay('2026-02-28')).toBe(true)
    expect(isDay('2026-02-29')).toBe(false)
    expect(isDay('2024-02-29')).toBe(true)
    expect(isDay('2026-13-01')).toBe(false)
    expect(isDay('2026-1-1')).toBe(false)
    expect(isDay(undefined)).toBe(false)
  })
})

describe('report periods', () => {
  it('parses quarters and years', () => {
    expect(parsePeriod('2026-Q3')).toEqual({ key: '2026-Q3', kind: 'quarterly', year: 2026, quarter: 3 })
    expect(parsePeriod(['2025'])).toEqual({ key: '2025', kind: 'yearly', year: 2025 })
    expect(parsePeriod('2026-Q5')).toBeNull()
    expect(parsePeriod('Q3')).toBeNull()
    expect(parsePeriod(undefined)).toBeNull()
  })
  it('offers begun quarters, newest first, and the years', () => {
    const p = reportPeriods(NOV, TZ, 1)
    expect(p.quarters.map((x) => x.key)).toEqual(['2026-Q4', '2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4', '2025-Q3', '2025-Q2', '2025-Q1'])
    expect(p.years.map((x) => x.key)).toEqual(['2026', '2025'])
    expect(reportPeriods(JAN, TZ, 0).quarters.map((x) => x.key)).toEqual(['2027-Q1'])
  })
})

describe('the dashboard query (drill-down, back/forward, reload)', () => {
  it('reads region and range, ignoring what is malformed', () => {
    expect(parseDashboardQuery({ region_id: '4', from: '2026-07-01', to: '2026-09-30' })).toEqual({ regionId: 4, from: '2026-07-01', to: '2026-09-30' })
    expect(parseDashboardQuery({})).toEqual({ regionId: null, from: null, to: null })
    expect(parseDashboardQuery({ region_id: 'x', from: '2026-07-01' })).toEqual({ regionId: null, from: null, to: null })
    expect(parseDashboardQuery({ region_id: '0' }).regionId).toBeNull()
    expect(parseDashboardQuery({ region_id: ['7', '8'] }).regionId).toBe(7)
    // A reversed range is ignored as a whole.
    expect(parseDashboardQuery({ from: '2026-09-30', to: '2026-07-01' })).toEqual({ regionId: null, from: null, to: null })
  })
  const defaults = { home: 1, range: ['2026-10-01', '2026-12-31'] as [string, string] }
  it('writes only what differs from the defaults, keeping other keys', () => {
    expect(dashboardQuery({ regionId: 4, from: '2026-10-01', to: '2026-12-31' }, defaults)).toEqual({ region_id: '4' })
    expect(dashboardQuery({ regionId: 1, from: '2026-10-01', to: '2026-12-31' }, defaults)).toEqual({})
    expect(dashboardQuery({ regionId: null, from: '2026-07-01', to: '2026-09-30' }, defaults, { tab: 'x', region_id: '9' })).toEqual({
      tab: 'x',
      from: '2026-07-01',
      to: '2026-09-30',
    })
  })
  it('round-trips', () => {
    const view = { regionId: 7, from: '2026-01-01', to: '2026-12-31' }
    const q = dashboardQuery(view, defaults) as Record<string, string>
    expect(parseDashboardQuery(q)).toEqual(view)
  })
  it('links the crumbs from the account’s own region down, not the one shown', () => {
    const path = [{ id: 1, name: '北京市' }]
    const cy = { id: 4, name: '朝阳区' }
    // City account looking at 朝阳区: 北京市 opens.
    expect(regionCrumbs(path, cy, 1)).toEqual([
      { id: 1, name: '北京市', link: true },
      { id: 4, name: '朝阳区', link: false },
    ])
    // District account: 北京市 is above its jurisdiction.
    expect(regionCrumbs(path, cy, 4)).toEqual([
      { id: 1, name: '北京市', link: false },
      { id: 4, name: '朝阳区', link: false },
    ])
    // District account on a street.
    expect(regionCrumbs([...path, cy], { id: 9, name: '建外街道' }, 4).map((c) => c.link)).toEqual([false, true, false])
    expect(regionCrumbs(null, cy, null)).toEqual([{ id: 4, name: '朝阳区', link: false }])
  })
  it('does not drill into a district’s own (直属) row', () => {
    expect(canDrill({ region_id: 4, level: 'district' }, { id: 4 })).toBe(false)
    expect(canDrill({ region_id: 9, level: 'street' }, { id: 4 })).toBe(true)
  })
})

describe('supervision deadlines', () => {
  it('reads overdue, soon and fine', () => {
    expect(deadlineState('2026-11-28', '2026-11-29')).toBe('overdue')
    expect(deadlineState('2026-12-31', '2026-11-29', true)).toBe('overdue')
    expect(deadlineState('2026-11-29', '2026-11-29')).toBe('soon')
    expect(deadlineState('2026-12-06', '2026-11-29')).toBe('soon')
    expect(deadlineState('2026-12-07', '2026-11-29')).toBe('ok')
    expect(deadlineState('2026-12-07', '')).toBe('ok')
  })
})
