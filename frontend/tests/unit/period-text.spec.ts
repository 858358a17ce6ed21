import { describe, expect, it } from 'vitest'
import { periodKeyOf, periodText } from '@/utils/periodText'

describe('periods as users type them', () => {
  it.each([
    ['2026年11月28日', '2026-11-28'],
    ['2026-11-28', '2026-11-28'],
    ['2026/1/5', '2026-01-05'],
    ['2026年第48周', '2026-W48'],
    ['2026第5周', '2026-W05'],
    ['2026年11月上半月', '2026-11-H1'],
    ['2026年11月下半月', '2026-11-H2'],
    ['2026年11月', '2026-11'],
    ['2026年第四季度', '2026-Q4'],
    ['2026年第3季度', '2026-Q3'],
    ['2026年', '2026'],
    [' 2026 年 11 月 ', '2026-11'],
    ['', ''],
  ])('%s → %s', (text, key) => {
    expect(periodKeyOf(text)).toBe(key)
  })
  it.each(['2026年13月', '2026年第60周', '上周', '2026-W48x'])('%s is no period', (text) => {
    expect(periodKeyOf(text)).toBeNull()
  })
  it('reads keys back as users write them', () => {
    for (const key of ['2026-11-28', '2026-W48', '2026-11-H1', '2026-11', '2026-Q4', '2026']) expect(periodKeyOf(periodText(key))).toBe(key)
    expect(periodText('2026-W48')).toBe('2026年第48周')
  })
})
