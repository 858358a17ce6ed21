// Which steps of the closed loop (登记 → 整改 → 验收 → 销号) a user may take on a hazard, by its state and
// the user's permission codes. The server enforces the same; the page only offers what can succeed, and
// says why acceptance is not possible when the user fixed the hazard himself (acceptor_is_fixer).
import type { HazardStatus } from '@/api/types/hazard'
import type { PermissionCode } from '@/api/types'

export type HazardAction = 'assign' | 'reassign' | 'fix' | 'accept' | 'reject'

export interface OfferedAction {
  action: HazardAction
  /** The permission code the action needs. */
  code: PermissionCode
  /** Set when the action is shown but cannot be used, with the reason. */
  blocked?: 'acceptor_is_fixer'
}

export interface HazardActionContext {
  status: HazardStatus
  /** Who submitted the fix being reviewed (HazardDetail.fixed_by_id). */
  fixedById: number | null | undefined
  /** The signed-in user. */
  userId: number | null | undefined
  can: (code: PermissionCode) => boolean
  /** A regulator's view: never any action. */
  readonly?: boolean
}

export const ACTION_CODES: Record<HazardAction, PermissionCode> = {
  assign: 'hz:assign',
  reassign: 'hz:assign',
  fix: 'hz:fix',
  accept: 'hz:accept',
  reject: 'hz:accept',
}

const BY_STATUS: Record<HazardStatus, HazardAction[]> = {
  registered: ['assign'],
  rectifying: ['fix', 'reassign'],
  pending_acceptance: ['accept', 'reject'],
  closed: [],
}

/** The actions to offer, in the order the page shows them. */
export function hazardActions(ctx: HazardActionContext): OfferedAction[] {
  if (ctx.readonly) return []
  const out: OfferedAction[] = []
  for (const action of BY_STATUS[ctx.status] ?? []) {
    const code = ACTION_CODES[action]
    if (!ctx.can(code)) continue
    const offered: OfferedAction = { action, code }
    if ((action === 'accept' || action === 'reject') && ctx.fixedById != null && ctx.userId != null && ctx.fixedById === ctx.userId) {
      offered.blocked = 'acceptor_is_fixer'
    }
    out.push(offered)
  }
  return out
}

/** Tag colours of the states. */
export const STATUS_TAG: Record<HazardStatus, 'danger' | 'warning' | 'primary' | 'success'> = {
  registered: 'danger',
  rectifying: 'warning',
  pending_acceptance: 'primary',
  closed: 'success',
}
