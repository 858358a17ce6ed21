// Reporting periods as users write them, and the period keys the API filters by: 2026年11月28日 (or
// 2026-11-28) is a day, 2026年第48周 a week (2026-W48), 2026年11月上半月 a half-month (2026-11-H1),
// 2026年11月 a month, 2026年第4季度 a quarter, 2026年 a year. Users never type the keys themselves.
const pad = (n: number) => String(n).padStart(2, '0')
const QUARTER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 }

/** The period key of what the user typed, or null when it is no period. */
export function periodKeyOf(text: string): string | null {
  const s = text.replace(/\s+/g, '')
  if (!s) return ''
  let m = /^(\d{4})(?:[-/.年])(\d{1,2})(?:[-/.月])(\d{1,2})日?$/.exec(s)
  if (m) return valid(+m[2]!, 12) && valid(+m[3]!, 31) ? `${m[1]}-${pad(+m[2]!)}-${pad(+m[3]!)}` : null
  m = /^(\d{4})年?第(\d{1,2})周$/.exec(s)
  if (m) return valid(+m[2]!, 53) ? `${m[1]}-W${pad(+m[2]!)}` : null
  m = /^(\d{4})(?:[-/.年])(\d{1,2})月?(上|下)半月$/.exec(s)
  if (m) return valid(+m[2]!, 12) ? `${m[1]}-${pad(+m[2]!)}-H${m[3] === '上' ? 1 : 2}` : null
  m = /^(\d{4})(?:[-/.年])(\d{1,2})月?$/.exec(s)
  if (m) return valid(+m[2]!, 12) ? `${m[1]}-${pad(+m[2]!)}` : null
  m = /^(\d{4})年?第([一二三四1-4])季度?$/.exec(s)
  if (m) return `${m[1]}-Q${QUARTER[m[2]!]}`
  m = /^(\d{4})年?$/.exec(s)
  if (m) return m[1]!
  return null
}

function valid(n: number, max: number) {
  return n >= 1 && n <= max
}

/** How a period key reads to users: the inverse of periodKeyOf. Text that is no key is returned as is. */
export function periodText(key: string): string {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key)
  if (m) return `${m[1]}年${+m[2]!}月${+m[3]!}日`
  m = /^(\d{4})-W(\d{2})$/.exec(key)
  if (m) return `${m[1]}年第${+m[2]!}周`
  m = /^(\d{4})-(\d{2})-H([12])$/.exec(key)
  if (m) return `${m[1]}年${+m[2]!}月${m[3] === '1' ? '上' : '下'}半月`
  m = /^(\d{4})-(\d{2})$/.exec(key)
  if (m) return `${m[1]}年${+m[2]!}月`
  m = /^(\d{4})-Q([1-4])$/.exec(key)
  if (m) return `${m[1]}年第${m[2]}季度`
  m = /^(\d{4})$/.exec(key)
  if (m) return `${m[1]}年`
  return key
}
