// Dates, ranges and periods of the statistics pages, all in the business time zone (Asia/Shanghai) from
// the server's clock: the default range is the current quarter, a report period is a quarter (2026-Q3) or
// a year (2026), and the regulator dashboard keeps the region it drilled into and the range in the URL
// query so back/forward and reload show the same view. Free of Vue so it can be tested as a table.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { formatDateTime } from '@/utils/time'

/** A calendar day: YYYY-MM-DD. */
export type Day = string

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

export interface YMD {
  y: number
  m: number
  d: number
}

/** The calendar day of an instant in the given zone. */
export function businessDay(now: Date, timeZone: string): YMD {
  const s = formatDateTime(now, timeZone)
  return { y: Number(s.slice(0, 4)), m: Number(s.slice(5, 7)), d: Number(s.slice(8, 10)) }
}

const pad = (n: number) => String(n).padStart(2, '0')

export function formatDay({ y, m, d }: YMD): Day {
  return `${y}-${pad(m)}-${pad(d)}`
}

/** Whether `s` is a real YYYY-MM-DD day. */
export function isDay(s: unknown): s is Day {
  if (typeof s !== 'string') return false
  const m = DAY.exec(s)
  if (!m) return false
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** The quarter (1–4) of a month (1–12). */
export function quarterOf(m: number): number {
  return Math.floor((m - 1) / 3) + 1
}

/** First and last day (inclusive) of a quarter. */
export function quarterRange(y: number, q: number): [Day, Day] {
  const first = (q - 1) * 3 + 1
  const last = first + 2
  return [formatDay({ y, m: first, d: 1 }), formatDay({ y, m: last, d: daysInMonth(y, last) })]
}

/** The current quarter of the server's clock: the default range of every statistics page. */
export function currentQuarter(now: Date, timeZone: string): [Day, Day] {
  const { y, m } = businessDay(now, timeZone)
  return quarterRange(y, quarterOf(m))
}

/** The quarter before the current one. */
export function previousQuarter(now: Date, timeZone: string): [Day, Day] {
  const { y, m } = businessDay(now, timeZone)
  const q = quarterOf(m)
  return q === 1 ? quarterRange(y - 1, 4) : quarterRange(y, q - 1)
}

/** This year so far is the whole year: 1 January to 31 December. */
export function yearRange(y: number): [Day, Day] {
  return [`${y}-01-01`, `${y}-12-31`]
}

/** The range picker's shortcuts (values as days; the page turns them into dates for the picker). */
export function rangeShortcuts(now: Date, timeZone: string): { key: 'thisQuarter' | 'lastQuarter' | 'thisYear' | 'lastYear'; range: [Day, Day] }[] {
  const { y } = businessDay(now, timeZone)
  return [
    { key: 'thisQuarter', range: currentQuarter(now, timeZone) },
    { key: 'lastQuarter', range: previousQuarter(now, timeZone) },
    { key: 'thisYear', range: yearRange(y) },
    { key: 'lastYear', range: yearRange(y - 1) },
  ]
}

/** A local Date at midnight of a day (what el-date-picker shows). */
export function dayToDate(day: Day): Date {
  const m = DAY.exec(day)
  if (!m) return new Date(NaN)
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
}

/**
 * The last day (inclusive) of a range the API answers with an exclusive end instant (`to`, e.g.
 * 2027-01-01T00:00:00+08:00 for a range ending 31 December).
 */
export function inclusiveEnd(iso: string | null | undefined, timeZone: string): Day {
  if (!iso) return ''
  const t = new Date(iso)
  if (Number.isNaN(t.getTime())) return ''
  return formatDay(businessDay(new Date(t.getTime() - 1), timeZone))
}

/** The first day of a range from the API's start instant. */
export function rangeStart(iso: string | null | undefined, timeZone: string): Day {
  if (!iso) return ''
  const t = new Date(iso)
  if (Number.isNaN(t.getTime())) return ''
  return formatDay(businessDay(t, timeZone))
}

// ---------------------------------------------------------------------------------------------
// Report periods: 2026-Q3 (quarterly) and 2026 (yearly).

export interface ReportPeriod {
  key: string
  kind: 'quarterly' | 'yearly'
  year: number
  /** 1–4 for a quarter. */
  quarter?: number
}

const PERIOD = /^(\d{4})(?:-Q([1-4]))?$/

export function parsePeriod(raw: unknown): ReportPeriod | null {
  const v = Array.isArray(raw) ? raw[0] : raw
  if (typeof v !== 'string') return null
  const m = PERIOD.exec(v)
  if (!m) return null
  const year = Number(m[1])
  if (m[2]) return { key: v, kind: 'quarterly', year, quarter: Number(m[2]) }
  return { key: v, kind: 'yearly', year }
}

/**
 * The periods offered by the report page, newest first: every quarter that has begun, this year and the
 * previous `years` years, then the years themselves (this one first).
 */
export function reportPeriods(now: Date, timeZone: string, years = 2): { quarters: ReportPeriod[]; years: ReportPeriod[] } {
  const { y, m } = businessDay(now, timeZone)
  const quarters: ReportPeriod[] = []
  for (let year = y; year >= y - years; year--) {
    const top = year === y ? quarterOf(m) : 4
    for (let q = top; q >= 1; q--) quarters.push({ key: `${year}-Q${q}`, kind: 'quarterly', year, quarter: q })
  }
  const ys: ReportPeriod[] = []
  for (let year = y; year >= y - years; year--) ys.push({ key: String(year), kind: 'yearly', year })
  return { quarters, years: ys }
}

// ---------------------------------------------------------------------------------------------
// The regulator dashboard's URL query: ?region_id=4&from=2026-10-01&to=2026-12-31

export interface DashboardQuery {
  regionId: number | null
  from: Day | null
  to: Day | null
}

function first(v: LocationQuery[string] | undefined): string | null {
  const x = Array.isArray(v) ? v[0] : v
  return typeof x === 'string' ? x : null
}

/** What the URL asks for; anything unreadable counts as absent (the defaults apply). */
export function parseDashboardQuery(q: LocationQuery): DashboardQuery {
  const rid = first(q.region_id)
  const regionId = rid && /^[1-9]\d{0,15}$/.test(rid) ? Number(rid) : null
  let from = first(q.from)
  let to = first(q.to)
  if (!isDay(from) || !isDay(to) || from > to) {
    from = null
    to = null
  }
  return { regionId, from, to }
}

/**
 * The query for a view: the region only when it is not the account's own (`home`), the range only when
 * it is not the default. Other keys of `keep` stay.
 */
export function dashboardQuery(
  view: { regionId: number | null; from: Day; to: Day },
  defaults: { home: number | null; range: [Day, Day] },
  keep: LocationQuery = {},
): LocationQueryRaw {
  const out: LocationQueryRaw = { ...keep }
  delete out.region_id
  delete out.from
  delete out.to
  if (view.regionId !== null && view.regionId !== defaults.home) out.region_id = String(view.regionId)
  if (view.from !== defaults.range[0] || view.to !== defaults.range[1]) {
    out.from = view.from
    out.to = view.to
  }
  return out
}

export interface Crumb {
  id: number
  name: string
  /** False for the region shown and for regions above the account's jurisdiction (the server says 404). */
  link: boolean
}

/**
 * The breadcrumb of a region: its ancestors (`path`, from the top) then itself. Only the account's own
 * region (`home`) and regions below it can be opened.
 */
export function regionCrumbs(path: readonly { id: number; name: string }[] | null | undefined, region: { id: number; name: string }, home: number | null): Crumb[] {
  const all = [...(path ?? []), region]
  let inside = home === null
  return all.map((r, i) => {
    if (r.id === home) inside = true
    return { id: r.id, name: r.name, link: inside && i < all.length - 1 }
  })
}

/** Whether a sub-region row can be drilled into (a district's 直属 row is the district itself). */
export function canDrill(child: { region_id: number; level: string }, current: { id: number }): boolean {
  return child.region_id !== current.id
}
