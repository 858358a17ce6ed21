// The ledger's filter form as the API's query: empty values dropped, 是否逾期 as a boolean. The list and the
// export (导出) send the same selection.

export interface LedgerFilters {
  q?: string
  grade_code?: string
  legal_level?: string
  status?: string
  department_id?: number
  post_id?: number
  period_key?: string
  overdue?: string
  source?: string
  from?: string
  to?: string
  enterprise_id?: number
  open?: string
}

export interface LedgerQuery {
  q?: string
  grade_code?: string
  legal_level?: 'general' | 'major'
  status?: 'registered' | 'rectifying' | 'pending_acceptance' | 'closed'
  department_id?: number
  post_id?: number
  period_key?: string
  overdue?: boolean
  source?: 'inspection' | 'report'
  from?: string
  to?: string
  enterprise_id?: number
  open?: boolean
}

const text = (v: string | undefined) => {
  const s = (v ?? '').trim()
  return s === '' ? undefined : s
}
const id = (v: number | undefined) => (typeof v === 'number' && v > 0 ? v : undefined)
const bool = (v: string | undefined) => (v === 'true' ? true : v === 'false' ? false : undefined)

export function ledgerQuery(f: LedgerFilters): LedgerQuery {
  const out: LedgerQuery = {
    q: text(f.q),
    grade_code: text(f.grade_code),
    legal_level: text(f.legal_level) as LedgerQuery['legal_level'],
    status: text(f.status) as LedgerQuery['status'],
    department_id: id(f.department_id),
    post_id: id(f.post_id),
    period_key: text(f.period_key),
    overdue: bool(f.overdue),
    source: text(f.source) as LedgerQuery['source'],
    from: text(f.from),
    to: text(f.to),
    enterprise_id: id(f.enterprise_id),
    open: f.open === 'true' ? true : undefined,
  }
  for (const k of Object.keys(out) as (keyof LedgerQuery)[]) if (out[k] === undefined) delete out[k]
  return out
}
