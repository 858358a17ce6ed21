import { describe, expect, it } from 'vitest'
import { describeInitialPassword, EXPIRING_SOON_DAYS, type InitialPasswordState } from '@/views/registry/initialPassword'

const now = new Date('2026-11-28T10:00:00+08:00')

describe('describeInitialPassword', () => {
  it('an unused initial password shows when it expires and how many days are left', () => {
    const st: InitialPasswordState = {
      status: 'unused',
      accounts: [
        { kind: 'enterprise_user', expires_at: '2026-12-28T10:00:00+08:00', expired: false },
        { kind: 'enterprise_admin', expires_at: '2026-12-28T10:00:00+08:00', expired: false },
      ],
    }
    const v = describeInitialPassword(st, now)
    expect(v).toMatchObject({ status: 'unused', tag: 'warning', label: 'registry.initialUnused', daysLeft: 30, canReissue: true })
    expect(v.expiresAt).toBe('2026-12-28T10:00:00+08:00')
    expect(v.accounts.map((a) => a.kind)).toEqual(['enterprise_admin', 'enterprise_user'])
  })

  it('one working and one expired account: the working one decides, and it may be about to expire', () => {
    const st: InitialPasswordState = {
      status: 'unused',
      accounts: [
        { kind: 'enterprise_admin', expires_at: '2026-11-20T10:00:00+08:00', expired: true },
        { kind: 'enterprise_user', expires_at: '2026-12-01T09:00:00+08:00', expired: false },
      ],
    }
    const v = describeInitialPassword(st, now)
    expect(v.expiresAt).toBe('2026-12-01T09:00:00+08:00')
    expect(v.daysLeft).toBe(3) // 2 days 23 hours, rounded up
    expect(v.daysLeft! <= EXPIRING_SOON_DAYS).toBe(true)
    expect(v).toMatchObject({ tag: 'danger', label: 'registry.initialExpiring', canReissue: true })
  })

  it('a password past its expiry that the server still calls unused is shown with 0 days left', () => {
    const v = describeInitialPassword({ status: 'unused', accounts: [{ kind: 'enterprise_admin', expires_at: '2026-11-28T09:59:00+08:00', expired: false }] }, now)
    expect(v.daysLeft).toBe(0)
    expect(v.label).toBe('registry.initialExpiring')
  })

  it('expired: the latest expiry is shown and it can be re-issued', () => {
    const st: InitialPasswordState = {
      status: 'expired',
      accounts: [
        { kind: 'enterprise_admin', expires_at: '2026-10-01T10:00:00+08:00', expired: true },
        { kind: 'enterprise_user', expires_at: '2026-10-05T10:00:00+08:00', expired: true },
      ],
    }
    expect(describeInitialPassword(st, now)).toMatchObject({
      status: 'expired',
      tag: 'danger',
      label: 'registry.initialExpired',
      expiresAt: '2026-10-05T10:00:00+08:00',
      daysLeft: null,
      canReissue: true,
    })
  })

  it('changed, or no state at all (an older server): nothing to re-issue', () => {
    for (const st of [{ status: 'changed', accounts: [] } as InitialPasswordState, undefined, null]) {
      expect(describeInitialPassword(st, now)).toMatchObject({ status: 'changed', tag: 'success', label: 'registry.initialChanged', expiresAt: null, canReissue: false })
    }
  })
})
