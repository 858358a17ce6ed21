// What to show when a checklist import is refused (FAQ 19). `import_rejected` carries every problem in
// details.errors as {row, column, message} (at most 500; details.error_count is the full number): the page
// lists them as a table and says that nothing was imported. A wrong header names the missing columns.
import { isApiError } from '@/api/errors'

export interface ImportErrorRow {
  /** The row number as Excel shows it; null when the problem is not about one row. */
  row: number | null
  /** The column title, '' when the problem is about the whole row. */
  column: string
  message: string
}

export type ImportFailure =
  | { kind: 'rows'; message: string; rows: ImportErrorRow[]; total: number }
  | { kind: 'header'; message: string; missing: string[] }
  | { kind: 'message'; message: string }

function toRow(raw: unknown): ImportErrorRow | null {
  if (!raw || typeof raw !== 'object') return null
  const r = raw as Record<string, unknown>
  const message = typeof r.message === 'string' ? r.message.trim() : ''
  if (!message) return null
  const n = typeof r.row === 'number' ? r.row : Number(r.row)
  return {
    row: Number.isInteger(n) && n > 0 ? n : null,
    column: typeof r.column === 'string' ? r.column.trim() : '',
    message,
  }
}

/** The table rows of an `import_rejected` answer, by row number (problems without a row last). */
export function importErrorRows(details: Record<string, unknown>): ImportErrorRow[] {
  const list = Array.isArray(details.errors) ? details.errors : []
  const rows = list.map(toRow).filter((r): r is ImportErrorRow => r !== null)
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.row ?? Infinity) - (b.r.row ?? Infinity) || a.i - b.i)
    .map((x) => x.r)
}

/** Reads any failure of an import call into what the import dialog shows. */
export function describeImportFailure(e: unknown, fallback: string): ImportFailure {
  if (!isApiError(e)) return { kind: 'message', message: fallback }
  if (e.code === 'import_rejected') {
    const rows = importErrorRows(e.details)
    const count = typeof e.details.error_count === 'number' ? e.details.error_count : rows.length
    return { kind: 'rows', message: e.message, rows, total: Math.max(count, rows.length) }
  }
  if (e.code === 'sheet_bad_header') {
    const missing = Array.isArray(e.details.missing_columns) ? e.details.missing_columns.filter((c): c is string => typeof c === 'string') : []
    return { kind: 'header', message: e.message, missing }
  }
  return { kind: 'message', message: e.message }
}
