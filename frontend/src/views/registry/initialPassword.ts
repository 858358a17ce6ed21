// The initial-password state of an enterprise as the regulator's list shows it. The derived initial
// password (FAQ 23) can be worked out from public facts and 10,000 phone endings, so it works only for a
// limited time after it was issued (YQYB_INITIAL_PASSWORD_TTL, 30 days by default) and only until it is
// changed; an enterprise that never logged in then needs its regulator to re-issue it.
import type { components } from '@/api/schema'

export type InitialPasswordState = components['schemas']['InitialPasswordState']
export type InitialPasswordStatus = InitialPasswordState['status']

/** Days left below which an unused initial password is shown as about to expire. */
export const EXPIRING_SOON_DAYS = 7

export interface InitialPasswordView {
  status: InitialPasswordStatus
  /** Element Plus tag type. */
  tag: 'warning' | 'danger' | 'success'
  /** Locale key of the short label. */
  label: 'registry.initialUnused' | 'registry.initialExpiring' | 'registry.initialExpired' | 'registry.initialChanged'
  /**
   * unused: when the first still-working initial password expires; expired: when the last one expired;
   * changed: null.
   */
  expiresAt: string | null
  /** Whole days (rounded up) until expiresAt, for unused only. */
  daysLeft: number | null
  /** Which accounts still have their initial password, admin first. */
  accounts: InitialPasswordState['accounts']
  /** The regulator can re-issue the initial password (some account still has it). */
  canReissue: boolean
}

const DAY = 24 * 3600 * 1000

/**
 * Describes an enterprise's initial-password state at now. The server decides the status; now only
 * decides whether an unused password counts as expiring soon (and a status the server computed a moment
 * ago is not second-guessed).
 */
export function describeInitialPassword(state: InitialPasswordState | null | undefined, now: Date): InitialPasswordView {
  const accounts = [...(state?.accounts ?? [])].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'enterprise_admin' ? -1 : 1))
  const status: InitialPasswordStatus = state?.status ?? 'changed'
  const times = (expired: boolean) =>
    accounts
      .filter((a) => a.expired === expired)
      .map((a) => a.expires_at)
      .filter((t) => !Number.isNaN(Date.parse(t)))
      .sort((a, b) => Date.parse(a) - Date.parse(b))
  if (status === 'unused') {
    const first = times(false)[0] ?? null
    const daysLeft = first === null ? null : Math.max(0, Math.ceil((Date.parse(first) - now.getTime()) / DAY))
    const soon = daysLeft !== null && daysLeft <= EXPIRING_SOON_DAYS
    return {
      status,
      tag: soon ? 'danger' : 'warning',
      label: soon ? 'registry.initialExpiring' : 'registry.initialUnused',
      expiresAt: first,
      daysLeft,
      accounts,
      canReissue: true,
    }
  }
  if (status === 'expired') {
    const expired = times(true)
    return { status, tag: 'danger', label: 'registry.initialExpired', expiresAt: expired[expired.length - 1] ?? null, daysLeft: null, accounts, canReissue: true }
  }
  return { status: 'changed', tag: 'success', label: 'registry.initialChanged', expiresAt: null, daysLeft: null, accounts: [], canReissue: false }
}
