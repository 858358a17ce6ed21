// The time left in a reporting period (FAQ 18), as the post user's list and the inspection form show it.
// The server says how many seconds were left when it answered (by its own clock, which decides); the
// page counts down from there with the browser's elapsed time, so a wrong browser clock does not matter.
import { onBeforeUnmount, ref, type Ref } from 'vue'

export interface CountdownParts {
  days: number
  hours: number
  minutes: number
  seconds: number
}

/** Whole days, hours, minutes and seconds of a non-negative number of seconds. */
export function splitSeconds(total: number): CountdownParts {
  const s = Math.max(0, Math.floor(Number.isFinite(total) ? total : 0))
  return {
    days: Math.floor(s / 86_400),
    hours: Math.floor((s % 86_400) / 3600),
    minutes: Math.floor((s % 3600) / 60),
    seconds: s % 60,
  }
}

const two = (n: number) => String(n).padStart(2, '0')

/** "3天 04:05:06", or "04:05:06" under a day; "00:00:00" once over. */
export function formatCountdown(total: number): string {
  const p = splitSeconds(total)
  const clock = `${two(p.hours)}:${two(p.minutes)}:${two(p.seconds)}`
  return p.days > 0 ? `${p.days}天 ${clock}` : clock
}

/** Seconds left now, given what the server said (`secondsLeft`) at `since` (ms, browser clock). */
export function remainingSeconds(secondsLeft: number, since: number, now: number): number {
  const elapsed = Math.max(0, Math.floor((now - since) / 1000))
  return Math.max(0, Math.floor(secondsLeft) - elapsed)
}

export type Urgency = 'closed' | 'urgent' | 'soon' | 'normal'

/** How pressing the deadline is: under two hours is urgent, under a day soon. */
export function urgency(seconds: number): Urgency {
  if (seconds <= 0) return 'closed'
  if (seconds < 2 * 3600) return 'urgent'
  if (seconds < 86_400) return 'soon'
  return 'normal'
}

/** A clock ref (ms) that ticks every `intervalMs` while the component lives. */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now())
  const timer = setInterval(() => {
    now.value = Date.now()
  }, intervalMs)
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
