// ECharts options of the statistics pages, built from the API's figures. Pure functions (no ECharts
// import at run time) so they can be tested; src/views/oversight/echarts.ts registers the few chart
// types they use. Animation is off: the figures are read, not watched, and screenshots stay stable.
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts'
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
import type { GradeCount, HalfUsage, LevelFigures, RegionRollup } from '@/api/types/oversight'

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>

export const COLORS = {
  primary: '#1f6fd1',
  success: '#67c23a',
  warning: '#e6a23c',
  danger: '#f56c6c',
  info: '#909399',
  general: '#e6a23c',
  major: '#f56c6c',
}

const PALETTE = ['#1f6fd1', '#f56c6c', '#e6a23c', '#67c23a', '#909399', '#9b59b6', '#16a085', '#34495e']

/** "2026年11月下半月" → "11月下" (the axis has little room; the tooltip shows the full label). */
export function shortHalfLabel(h: Pick<HalfUsage, 'key' | 'label'>): string {
  const m = /^(\d{4})-(\d{2})-H([12])$/.exec(h.key)
  if (!m) return h.label
  return `${Number(m[2])}月${m[3] === '1' ? '上' : '下'}`
}

/** One decimal, as the API sends rates. */
const round1 = (v: number) => Math.round(v * 10) / 10

export interface TrendLabels {
  rate: string
  due: string
  onTime: string
  /** The rate of a half-month with nothing due (无应排查). */
  none: string
}

/**
 * The system usage rate per half-month: a line of the rate (%, left axis), bars of due and on-time. A
 * half-month with nothing due has no rate (a gap, not 0%).
 */
export function usageTrendOption(trend: readonly HalfUsage[], l: TrendLabels): ChartOption {
  return {
    animation: false,
    color: [COLORS.primary, '#c6dbf5', COLORS.success],
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => {
        const list = Array.isArray(params) ? (params as { dataIndex: number }[]) : []
        const h = trend[list[0]?.dataIndex ?? -1]
        if (!h) return ''
        return `${h.label}<br/>${l.rate}：${h.rate === null ? l.none : `${round1(h.rate)}%`}<br/>${l.onTime} / ${l.due}：${h.on_time} / ${h.due}`
      },
    },
    legend: { data: [l.rate, l.due, l.onTime], bottom: 0, type: 'scroll' },
    grid: { left: 48, right: 48, top: 24, bottom: 48 },
    xAxis: { type: 'category', data: trend.map((h) => shortHalfLabel(h)) },
    yAxis: [
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      { type: 'value', minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { name: l.rate, type: 'line', data: trend.map((h) => (h.rate === null ? null : round1(h.rate))), symbolSize: 8, label: { show: trend.length <= 12, formatter: '{c}%' }, z: 3 },
      { name: l.due, type: 'bar', yAxisIndex: 1, data: trend.map((h) => h.due), barMaxWidth: 16 },
      { name: l.onTime, type: 'bar', yAxisIndex: 1, data: trend.map((h) => h.on_time), barMaxWidth: 16 },
    ],
  }
}

export interface LevelLabels {
  general: string
  major: string
  found: string
  closed: string
}

/** Hazards found and closed, 一般 and 重大 side by side. */
export function levelBarOption(general: LevelFigures, major: LevelFigures, l: LevelLabels): ChartOption {
  return {
    animation: false,
    color: [COLORS.warning, COLORS.success],
    tooltip: { trigger: 'axis' },
    legend: { data: [l.found, l.closed], bottom: 0, type: 'scroll' },
    grid: { left: 40, right: 16, top: 24, bottom: 48 },
    xAxis: { type: 'category', data: [l.general, l.major] },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: l.found, type: 'bar', data: [general.found, major.found], barMaxWidth: 36, label: { show: true, position: 'top' } },
      { name: l.closed, type: 'bar', data: [general.closed, major.closed], barMaxWidth: 36, label: { show: true, position: 'top' } },
    ],
  }
}

/** Hazards found by the enterprise grades (A/B/C/D or the enterprise's own scheme). */
// The doughnut fits a quarter of a 1366 px page and a phone: the counts sit inside the ring (no labels
// outside it to be cut off), the legend below names each grade with its count and scrolls when long.
export function gradePieOption(byGrade: readonly GradeCount[], gradeName: (code: string) => string): ChartOption {
  const data = byGrade.filter((g) => g.count > 0).map((g) => ({ name: gradeName(g.grade), value: g.count }))
  const count = new Map(data.map((d) => [d.name, d.value]))
  return {
    animation: false,
    color: PALETTE,
    tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）', confine: true },
    legend: { bottom: 0, left: 'center', type: 'scroll', itemWidth: 12, itemHeight: 10, formatter: (name: string) => `${name} ${count.get(name) ?? ''}` },
    series: [
      {
        type: 'pie',
        radius: ['34%', '62%'],
        center: ['50%', '44%'],
        data,
        label: { position: 'inside', formatter: '{c}', color: '#fff', fontWeight: 600 },
        labelLine: { show: false },
      },
    ],
  }
}

export interface ChildrenLabels {
  usage: string
  completeness: string
  openMajor: string
}

/** The sub-regions side by side: usage and completeness rates (%, left axis), open major hazards (right axis). */
export function childrenBarOption(children: readonly RegionRollup[], l: ChildrenLabels): ChartOption {
  const many = children.length > 8
  return {
    animation: false,
    color: [COLORS.primary, COLORS.success, COLORS.danger],
    tooltip: { trigger: 'axis' },
    legend: { data: [l.usage, l.completeness, l.openMajor], bottom: 0, type: 'scroll' },
    grid: { left: 48, right: 40, top: 24, bottom: many ? 84 : 48 },
    xAxis: { type: 'category', data: children.map((c) => c.name), axisLabel: { interval: 0, rotate: many ? 40 : 0 } },
    yAxis: [
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      { type: 'value', minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { name: l.usage, type: 'bar', data: children.map((c) => (c.usage_rate === null ? null : round1(c.usage_rate))), barMaxWidth: 24 },
      { name: l.completeness, type: 'bar', data: children.map((c) => round1(c.completeness)), barMaxWidth: 24 },
      { name: l.openMajor, type: 'line', yAxisIndex: 1, data: children.map((c) => c.open_major), symbolSize: 8 },
    ],
  }
}

/** Whether a chart has anything to draw (an empty chart shows an empty state instead). */
export function hasData(option: ChartOption): boolean {
  const series = (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []) as { data?: unknown[] }[]
  return series.some((s) =>
    (s.data ?? []).some((d) => {
      const v = typeof d === 'object' && d !== null && 'value' in d ? (d as { value: unknown }).value : d
      return typeof v === 'number' && v !== 0
    }),
  )
}
