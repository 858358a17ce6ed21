// How a supervision's deadline (督办期限, a business day) reads today: overdue once past, due soon within
// a week, else fine. The server's `overdue` flag wins when present.
import type { Day } from './range'

export type DeadlineState = 'overdue' | 'soon' | 'ok'

export const SOON_DAYS = 7

export function deadlineState(deadline: Day, today: Day, overdue?: boolean): DeadlineState {
  if (overdue || (deadline && today && deadline < today)) return 'overdue'
  if (!deadline || !today) return 'ok'
  const ms = Date.parse(`${deadline}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)
  return ms / 86_400_000 <= SOON_DAYS ? 'soon' : 'ok'
}
