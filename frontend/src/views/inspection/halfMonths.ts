// The half-months the system usage rate is computed for (FAQ 4): the 1st–15th and the 16th to the month's
// end, starting again from zero each month. A half-month is named by its first day (YYYY-MM-01 or -16),
// which GET /api/v1/usage?date= accepts as "a day in it".

export interface HalfMonth {
  /** YYYY-MM-01 or YYYY-MM-16. */
  date: string
  year: number
  month: number
  /** 1: first half, 2: second half. */
  half: 1 | 2
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The half-month containing the calendar day y-m-d. */
export function halfMonthOf(year: number, month: number, day: number): HalfMonth {
  const half = day <= 15 ? 1 : 2
  return { year, month, half, date: `${year}-${pad(month)}-${half === 1 ? '01' : '16'}` }
}

/** The half-month before `h`. */
export function previousHalf(h: HalfMonth): HalfMonth {
  if (h.half === 2) return halfMonthOf(h.year, h.month, 1)
  const month = h.month === 1 ? 12 : h.month - 1
  const year = h.month === 1 ? h.year - 1 : h.year
  return halfMonthOf(year, month, 16)
}

/** `count` half-months ending with the one containing `today` (YYYY-MM-DD), newest first. */
export function recentHalfMonths(today: string, count: number): HalfMonth[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(today)
  if (!m) return []
  let h = halfMonthOf(Number(m[1]), Number(m[2]), Number(m[3]))
  const out: HalfMonth[] = []
  for (let i = 0; i < count; i++) {
    out.push(h)
    h = previousHalf(h)
  }
  return out
}
