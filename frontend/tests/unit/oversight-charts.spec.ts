// ECharts options of the statistics pages, built from the API's figures.
import { describe, expect, it } from 'vitest'
import type { HalfUsage, RegionRollup } from '@/api/types/oversight'
import { formatUsage } from '@/views/enterprise/completeness'
import { childrenBarOption, gradePieOption, hasData, levelBarOption, shortHalfLabel, usageTrendOption } from '@/views/oversight/charts'

const half = (key: string, label: string, due: number, on: number, rate: number | null, live = false): HalfUsage => ({ key, label, due, on_time: on, rate, nothing_due: rate === null, live })
const TREND = [half('2026-10-H1', '2026年10月上半月', 0, 0, null), half('2026-10-H2', '2026年10月下半月', 8, 6, 75), half('2026-11-H1', '2026年11月上半月', 3, 1, 33.33333, true)]
const L = { rate: '使用率', due: '应排查', onTime: '按时提交', none: '无应排查' }

type Series = { name?: string; type: string; data: unknown[]; yAxisIndex?: number }
const seriesOf = (o: ReturnType<typeof usageTrendOption>) => o.series as Series[]

describe('usage trend', () => {
  it('labels half-months briefly', () => {
    expect(shortHalfLabel(TREND[0]!)).toBe('10月上')
    expect(shortHalfLabel(TREND[1]!)).toBe('10月下')
    expect(shortHalfLabel({ key: 'odd', label: '别的' })).toBe('别的')
  })
  it('draws the rate as a line (one decimal; none when nothing was due) and due/on-time as bars on the second axis', () => {
    const o = usageTrendOption(TREND, L)
    expect(o.animation).toBe(false)
    expect((o.xAxis as { data: string[] }).data).toEqual(['10月上', '10月下', '11月上'])
    const [rate, due, on] = seriesOf(o)
    expect(rate).toMatchObject({ name: '使用率', type: 'line', data: [null, 75, 33.3] })
    expect(due).toMatchObject({ type: 'bar', yAxisIndex: 1, data: [0, 8, 3] })
    expect(on).toMatchObject({ type: 'bar', yAxisIndex: 1, data: [0, 6, 1] })
  })
  it('shows the full label and counts in the tooltip', () => {
    const o = usageTrendOption(TREND, L)
    const fmt = (o.tooltip as { formatter: (p: unknown) => string }).formatter
    expect(fmt([{ dataIndex: 1 }])).toBe('2026年10月下半月<br/>使用率：75%<br/>按时提交 / 应排查：6 / 8')
    expect(fmt([{ dataIndex: 0 }])).toBe('2026年10月上半月<br/>使用率：无应排查<br/>按时提交 / 应排查：0 / 0')
    expect(fmt([])).toBe('')
  })
  it('is empty when nothing was due', () => {
    expect(hasData(usageTrendOption([TREND[0]!], L))).toBe(false)
    expect(hasData(usageTrendOption(TREND, L))).toBe(true)
    expect(hasData(usageTrendOption([], L))).toBe(false)
  })
})

describe('hazards by level and grade', () => {
  const l = { general: '一般隐患', major: '重大隐患', found: '排查', closed: '销号' }
  it('puts found and closed side by side for both levels', () => {
    const o = levelBarOption({ found: 5, closed: 3, rectification_rate: 60 }, { found: 1, closed: 0, rectification_rate: 0 }, l)
    expect((o.xAxis as { data: string[] }).data).toEqual(['一般隐患', '重大隐患'])
    expect((o.series as Series[]).map((s) => [s.name, s.data])).toEqual([
      ['排查', [5, 1]],
      ['销号', [3, 0]],
    ])
    expect(hasData(levelBarOption({ found: 0, closed: 0, rectification_rate: null }, { found: 0, closed: 0, rectification_rate: null }, l))).toBe(false)
  })
  it('names the grades and leaves out empty ones', () => {
    const o = gradePieOption(
      [
        { grade: 'A', count: 1 },
        { grade: 'B', count: 0 },
        { grade: 'C', count: 4 },
      ],
      (g) => `${g}级`,
    )
    expect((o.series as { data: unknown[] }[])[0]!.data).toEqual([
      { name: 'A级', value: 1 },
      { name: 'C级', value: 4 },
    ])
    expect(hasData(o)).toBe(true)
    expect(hasData(gradePieOption([], String))).toBe(false)
  })
})

describe('sub-regions', () => {
  const child = (name: string, usage: number | null, comp: number, major: number): RegionRollup => ({
    region_id: name.length,
    name,
    level: 'district',
    enterprises: 1,
    usage_rate: usage,
    usage_nothing_due: usage === null,
    usage_due: usage === null ? 0 : 1,
    usage_on_time: usage === null ? 0 : 1,
    completeness: comp,
    open_major: major,
    overdue: 0,
  })
  const l = { usage: '使用率', completeness: '完备率', openMajor: '未整改重大隐患' }
  it('compares rates on the left axis and open majors on the right', () => {
    const o = childrenBarOption([child('朝阳区', 100, 54.17, 1), child('海淀区', 0, 25, 0), child('东城区', null, 10, 0)], l)
    expect((o.xAxis as { data: string[] }).data).toEqual(['朝阳区', '海淀区', '东城区'])
    const s = o.series as Series[]
    // 东城 has nothing due: no usage bar (无应排查), not a bar at 0%.
    expect(s.map((x) => [x.type, x.data, x.yAxisIndex ?? 0])).toEqual([
      ['bar', [100, 0, null], 0],
      ['bar', [54.2, 25, 10], 0],
      ['line', [1, 0, 0], 1],
    ])
  })
  it('tilts the names when there are many', () => {
    const many = Array.from({ length: 12 }, (_, i) => child(`街道${i}`, 50, 50, 0))
    expect((childrenBarOption(many, l).xAxis as { axisLabel: { rotate: number } }).axisLabel.rotate).toBe(40)
    expect((childrenBarOption(many.slice(0, 3), l).xAxis as { axisLabel: { rotate: number } }).axisLabel.rotate).toBe(0)
  })
})

describe('usage rates with nothing due', () => {
  it('shows 无应排查 instead of 0%', () => {
    expect(formatUsage(null, '无应排查')).toBe('无应排查')
    expect(formatUsage(undefined, '无应排查')).toBe('无应排查')
    expect(formatUsage(0, '无应排查')).toBe('0%')
    expect(formatUsage(87.5, '无应排查')).toBe('87.5%')
  })
})
