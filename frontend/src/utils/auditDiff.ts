// Turns an audit entry's detail ({before?, after?, note?}) into rows a person can read: one row per key
// that changed, with the value before and after; for lists (permission codes, role or user ids) the
// items added and removed. Keys whose value did not change are dropped unless asked for.
import type { AuditDetail } from '@/api/types/system'

/**
 * The actions the server records (internal/audit), in the order the filter lists them. Each row also
 * carries its own action_label; these keys name the filter's options (audit.actions.* in the locale).
 */
export const AUDIT_ACTIONS = [
  'login',
  'login_failed',
  'lockout',
  'logout',
  'password_change',
  'password_reset',
  'refresh_reuse',
  'user_create',
  'user_update',
  'user_disable',
  'user_enable',
  'user_delete',
  'user_grant',
  'user_roles',
  'role_create',
  'role_update',
  'role_delete',
  'role_grant',
  'role_users',
  'api_key_create',
  'api_key_revoke',
  'api_key_use',
  'webhook_create',
  'webhook_update',
  'webhook_delete',
  'webhook_redeliver',
] as const

/** Names a recorded value for display (a code's title, a region's name); undefined: show it as is. */
export type ValueNamer = (key: string, value: unknown) => string | undefined

export type DiffKind = 'changed' | 'added' | 'removed' | 'unchanged'

export interface DiffRow {
  key: string
  kind: DiffKind
  before?: unknown
  after?: unknown
  /** For list values: the items only in `after` and only in `before`, in their original order. */
  addedItems?: unknown[]
  removedItems?: unknown[]
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

/** Structural equality for JSON values (key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return ka.length === kb.length && ka.every((k) => k in b && sameValue(a[k], b[k]))
  }
  return false
}

function listDiff(before: unknown[], after: unknown[]) {
  const inBefore = (x: unknown) => before.some((y) => sameValue(x, y))
  const inAfter = (x: unknown) => after.some((y) => sameValue(x, y))
  return { addedItems: after.filter((x) => !inBefore(x)), removedItems: before.filter((x) => !inAfter(x)) }
}

/** Reads a detail that may be missing, null, or not an object. */
export function readDetail(detail: unknown): AuditDetail {
  if (!isRecord(detail)) return {}
  const out: AuditDetail = {}
  if (isRecord(detail.before)) out.before = detail.before
  if (isRecord(detail.after)) out.after = detail.after
  if (typeof detail.note === 'string' && detail.note) out.note = detail.note
  return out
}

/**
 * The rows of a detail. Keys come in the order of `after`, then keys only in `before`. A key only in
 * `after` (a creation) is "added", only in `before` (a deletion) "removed".
 */
export function diffDetail(detail: unknown, opts: { includeUnchanged?: boolean } = {}): DiffRow[] {
  const { before, after } = readDetail(detail)
  const keys: string[] = []
  for (const k of Object.keys(after ?? {})) keys.push(k)
  for (const k of Object.keys(before ?? {})) if (!keys.includes(k)) keys.push(k)

  const rows: DiffRow[] = []
  for (const key of keys) {
    const hasBefore = !!before && key in before
    const hasAfter = !!after && key in after
    const b = hasBefore ? before![key] : undefined
    const a = hasAfter ? after![key] : undefined
    let row: DiffRow
    if (hasBefore && hasAfter) {
      const same = sameValue(b, a)
      if (same && !opts.includeUnchanged) continue
      row = { key, kind: same ? 'unchanged' : 'changed', before: b, after: a }
      if (!same && (Array.isArray(b) || Array.isArray(a))) {
        Object.assign(row, listDiff(Array.isArray(b) ? b : [], Array.isArray(a) ? a : []))
      }
    } else if (hasAfter) {
      row = { key, kind: 'added', after: a }
    } else {
      row = { key, kind: 'removed', before: b }
    }
    rows.push(row)
  }
  return rows
}
