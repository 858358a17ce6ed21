// Field by field comparison of a template item (as the template has it now) with the enterprise's copy,
// for 模板变更.
import type { StandardItem, TemplateChange } from '@/api/types/standard'

export type CompareField = 'category' | 'subject' | 'content' | 'criterion' | 'basis' | 'grade' | 'major'

export interface CompareRow {
  field: CompareField
  template: string
  current: string | null
  changed: boolean
}

export const COMPARE_FIELDS: readonly CompareField[] = ['category', 'subject', 'content', 'criterion', 'basis', 'grade', 'major']

/** The rows of one change; `categoryOf` names the category of the enterprise's copy. */
export function compareRows(change: TemplateChange, categoryOf: (item: StandardItem) => string, yesNo: (v: boolean) => string): CompareRow[] {
  const tp = change.template
  const cur = change.current
  const tv: Record<CompareField, string> = {
    category: change.category_name,
    subject: tp.subject,
    content: tp.content,
    criterion: tp.criterion,
    basis: tp.basis,
    grade: tp.grade,
    major: yesNo(tp.is_major),
  }
  const cv: Record<CompareField, string> | null = cur
    ? {
        category: categoryOf(cur),
        subject: cur.subject,
        content: cur.content,
        criterion: cur.criterion,
        basis: cur.basis,
        grade: cur.grade_code,
        major: yesNo(cur.is_major),
      }
    : null
  return COMPARE_FIELDS.map((field) => ({
    field,
    template: tv[field],
    current: cv ? cv[field] : null,
    changed: change.kind === 'updated' && !!cv && (tv[field] ?? '').trim() !== (cv[field] ?? '').trim(),
  }))
}
