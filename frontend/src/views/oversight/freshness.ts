// How fresh a statistics answer is: regulators' dashboards and reports may be read from the read-only
// replica, whose data trails the primary by up to the server's YQYB_REPLICA_MAX_LAG.
import { formatApiTime } from '@/utils/time'

export interface Fresh {
  data_as_of: string
  from_replica: boolean
}

export interface Freshness {
  /** HH:MM:SS in the business zone; YYYY-MM-DD HH:MM:SS when not of today. */
  asOf: string
  /** Whole seconds the data trails now, when read from the replica and at least `minBehind`; else null. */
  behind: number | null
}

/** What a page says of its data's age, or null when the answer does not say (an older server). */
export function freshness(f: Fresh | null | undefined, now: Date, timeZone: string, minBehind = 5): Freshness | null {
  const full = formatApiTime(f?.data_as_of, timeZone)
  if (!f || !full) return null
  const today = formatApiTime(now.toISOString(), timeZone).slice(0, 10)
  const asOf = full.slice(0, 10) === today ? full.slice(11) : full
  const secs = Math.floor((now.getTime() - new Date(f.data_as_of).getTime()) / 1000)
  return { asOf, behind: f.from_replica && secs >= minBehind ? secs : null }
}
