// Date formatting in the server's time zone (Asia/Shanghai): periods and deadlines follow it, not the
// browser's zone.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }
    try {
      f = new Intl.DateTimeFormat('zh-CN', { ...options, timeZone })
    } catch {
      // An unknown zone name: fall back to the browser's zone rather than failing the page.
      f = new Intl.DateTimeFormat('zh-CN', options)
    }
    formatters.set(timeZone, f)
  }
  return f
}

/** 2024-05-01 08:30:00 in the given zone. */
export function formatDateTime(d: Date, timeZone: string): string {
  const parts: Record<string, string> = {}
  for (const p of formatter(timeZone).formatToParts(d)) parts[p.type] = p.value
  // Some engines write hour 24 for midnight with hour12: false.
  const hour = parts.hour === '24' ? '00' : parts.hour
  return `${parts.year}-${parts.month}-${parts.day} ${hour}:${parts.minute}:${parts.second}`
}

/** An RFC 3339 time from the API in the given zone, or '' when absent or unreadable. */
export function formatApiTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : formatDateTime(d, timeZone)
}

/** The date part (YYYY-MM-DD) of an API time in the given zone, or ''. */
export function formatApiDate(iso: string | null | undefined, timeZone: string): string {
  return formatApiTime(iso, timeZone).slice(0, 10)
}
