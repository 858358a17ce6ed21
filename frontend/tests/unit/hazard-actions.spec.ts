// The closed loop's next steps offered on a hazard, by its state and the user's permission codes; the
// person who submitted the fix is shown why acceptance is not his.
import { describe, expect, it } from 'vitest'
import type { HazardStatus } from '@/api/types/hazard'
import { hazardActions } from '@/views/hazard/hazardActions'

const ALL = ['hz:ledger', 'hz:assign', 'hz:fix', 'hz:accept']
const POST_USER = ['hz:ledger', 'hz:register', 'hz:fix']

function offered(status: HazardStatus, codes: string[], opts: { fixedBy?: number | null; user?: number; readonly?: boolean } = {}) {
  return hazardActions({
    status,
    fixedById: opts.fixedBy ?? null,
    userId: opts.user ?? 1,
    can: (c) => codes.includes(c),
    readonly: opts.readonly,
  }).map((a) => (a.blocked ? `${a.action}!${a.blocked}` : a.action))
}

describe('hazard actions by state and permission', () => {
  const table: Array<{ status: HazardStatus; codes: string[]; want: string[]; who: string }> = [
    { status: 'registered', codes: ALL, want: ['assign'], who: 'admin' },
    { status: 'registered', codes: POST_USER, want: [], who: 'post user' },
    { status: 'rectifying', codes: ALL, want: ['fix', 'reassign'], who: 'admin' },
    { status: 'rectifying', codes: POST_USER, want: ['fix'], who: 'post user' },
    { status: 'rectifying', codes: ['hz:ledger'], want: [], who: 'read-only user' },
    { status: 'pending_acceptance', codes: ALL, want: ['accept', 'reject'], who: 'admin' },
    { status: 'pending_acceptance', codes: POST_USER, want: [], who: 'post user' },
    { status: 'closed', codes: ALL, want: [], who: 'admin' },
  ]
  for (const c of table) {
    it(`${c.status}, ${c.who}: ${c.want.join(', ') || 'nothing'}`, () => {
      expect(offered(c.status, c.codes, { fixedBy: 99 })).toEqual(c.want)
    })
  }

  it('blocks acceptance and rejection for the person who submitted the fix', () => {
    expect(offered('pending_acceptance', ALL, { fixedBy: 7, user: 7 })).toEqual(['accept!acceptor_is_fixer', 'reject!acceptor_is_fixer'])
    expect(offered('pending_acceptance', ALL, { fixedBy: 7, user: 8 })).toEqual(['accept', 'reject'])
    // Unknown fixer: the server decides.
    expect(offered('pending_acceptance', ALL, { fixedBy: null, user: 7 })).toEqual(['accept', 'reject'])
  })

  it('offers nothing on the regulator’s read-only view', () => {
    for (const s of ['registered', 'rectifying', 'pending_acceptance'] as HazardStatus[]) {
      expect(offered(s, ALL, { readonly: true })).toEqual([])
    }
  })

  it('names the permission each action needs', () => {
    const got = hazardActions({ status: 'rectifying', fixedById: null, userId: 1, can: () => true })
    expect(got).toEqual([
      { action: 'fix', code: 'hz:fix' },
      { action: 'reassign', code: 'hz:assign' },
    ])
  })
})
