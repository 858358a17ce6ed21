// What the 批量导入 dialog shows after POST /api/v1/regulator/enterprise-import.
//
// Refused: `import_rejected` lists every problem in details.errors as {row, column, message} (the server
// shows at most 500; details.error_count is the full number) and nothing was imported; the dialog shows
// them as a table 行号 / 列 / 问题. The messages start with "第N行：", which the table's 行号 column
// already says, so the prefix is dropped there. A wrong header names the missing columns; anything else
// (not an xlsx file, too large, too many rows) is one message.
//
// Accepted: every enterprise with its two accounts and their shared initial password, shown once.
import { isApiError } from '@/api/errors'
import type { ImportEnterprisesResult } from '@/api/types/registry'

export interface ImportProblem {
  /** The spreadsheet row as Excel numbers it; null when the problem is not about one row. */
  row: number | null
  /** The column title as the template names it, '' when the problem concerns the whole row. */
  column: string
  message: string
}

export type ImportOutcome =
  | { kind: 'rejected'; message: string; problems: ImportProblem[]; total: number }
  | { kind: 'header'; message: string; missing: string[] }
  | { kind: 'failed'; message: string; code: string }

const ROW_PREFIX = /^第\s*\d+\s*行\s*[：:]\s*/

function toProblem(raw: unknown): ImportProblem | null {
  if (!raw || typeof raw !== 'object') return null
  const r = raw as Record<string, unknown>
  let message = typeof r.message === 'string' ? r.message.trim() : ''
  const row = typeof r.row === 'number' ? r.row : typeof r.row === 'string' && /^\d+$/.test(r.row) ? Number(r.row) : NaN
  const validRow = Number.isInteger(row) && row > 0 ? row : null
  if (validRow !== null) message = message.replace(ROW_PREFIX, '')
  if (!message) return null
  return { row: validRow, column: typeof r.column === 'string' ? r.column.trim() : '', message }
}

/** The problems of an `import_rejected` answer, by row (a row's problems in the server's order), row-less last. */
export function importProblems(details: Record<string, unknown>): ImportProblem[] {
  const list = Array.isArray(details.errors) ? details.errors : []
  return list
    .map(toProblem)
    .map((p, i) => ({ p, i }))
    .filter((x): x is { p: ImportProblem; i: number } => x.p !== null)
    .sort((a, b) => (a.p.row ?? Number.MAX_SAFE_INTEGER) - (b.p.row ?? Number.MAX_SAFE_INTEGER) || a.i - b.i)
    .map((x) => x.p)
}

/** Reads a failed import call; `fallback` is said for anything that is not a server answer. */
export function importOutcome(e: unknown, fallback: string): ImportOutcome {
  if (!isApiError(e)) return { kind: 'failed', message: fallback, code: 'unknown' }
  if (e.code === 'import_rejected') {
    const problems = importProblems(e.details)
    const count = typeof e.details.error_count === 'number' ? e.details.error_count : problems.length
    return { kind: 'rejected', message: e.message, problems, total: Math.max(count, problems.length) }
  }
  if (e.code === 'sheet_bad_header') {
    const raw = e.details.missing_columns
    const missing = Array.isArray(raw) ? raw.filter((c): c is string => typeof c === 'string' && c !== '') : []
    return { kind: 'header', message: e.message, missing }
  }
  return { kind: 'failed', message: e.message, code: e.code }
}

/** One registered enterprise as the result table lists it. */
export interface ImportedEnterprise {
  name: string
  creditCode: string
  /** 个人用户登录 user name of the enterprise admin account. */
  adminUsername: string
  /** 企业用户登录 user name(s) of the enterprise-user account. */
  userUsername: string
  password: string
}

/** The accepted import as table rows, in the file's order. */
export function importedEnterprises(result: ImportEnterprisesResult | null | undefined): ImportedEnterprise[] {
  return (result?.enterprises ?? []).map((r) => {
    const admin = r.accounts.find((a) => a.kind === 'enterprise_admin')
    const user = r.accounts.find((a) => a.kind === 'enterprise_user')
    return {
      name: r.enterprise.name,
      creditCode: r.enterprise.credit_code,
      adminUsername: admin?.username ?? r.enterprise.name,
      userUsername: user?.username ?? `${r.enterprise.name} / ${r.enterprise.credit_code}`,
      password: admin?.initial_password ?? user?.initial_password ?? '',
    }
  })
}

/** The rows as tab-separated text with a header line, for pasting into a spreadsheet. */
export function importedAsText(rows: readonly ImportedEnterprise[], header: readonly string[]): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ')
  return [header.map(clean).join('\t'), ...rows.map((r) => [r.name, r.creditCode, r.adminUsername, r.userUsername, r.password].map(clean).join('\t'))].join('\n')
}
