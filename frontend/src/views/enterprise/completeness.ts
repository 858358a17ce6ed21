// Shared reading of completeness numbers (信息完备率, FAQ 5): the server sends rates 0–100 with at most one
// decimal; the pages show them as "62.5%" with a colour that says how far along it is.

/** Clamped to 0–100, one decimal at most. */
export function clampRate(v: number | null | undefined): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 0
  return Math.round(Math.min(100, Math.max(0, v)) * 10) / 10
}

/** "62.5%", "100%". */
export function formatRate(v: number | null | undefined): string {
  return `${clampRate(v)}%`
}

/**
 * A usage or inspection rate (系统使用率, 排查率) as shown: "87.5%", or `nothingDue` (无应排查) when nothing
 * was due — the server sends null then, which is no rate at all, not 0%.
 */
export function formatUsage(v: number | null | undefined, nothingDue: string): string {
  return typeof v === 'number' && Number.isFinite(v) ? formatRate(v) : nothingDue
}

/**
 * el-progress colours: red below 40, orange below 80, green from 80. The theme's status colours
 * (styles/main.css), dark enough for text (rates are also written in them) at 4.5:1 or more.
 */
export const RATE_COLORS = [
  { color: '#c0343a', percentage: 40 },
  { color: '#975600', percentage: 80 },
  { color: '#2b7512', percentage: 100 },
]

/** The colour for one rate (same steps as RATE_COLORS). */
export function rateColor(v: number | null | undefined): string {
  const r = clampRate(v)
  if (r < 40) return RATE_COLORS[0].color
  if (r < 80) return RATE_COLORS[1].color
  return RATE_COLORS[2].color
}
