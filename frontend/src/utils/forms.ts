// Puts the field errors of a `validation_failed` answer next to the form fields they belong to.
import { reactive } from 'vue'
import { isApiError } from '@/api/errors'

/** A reactive field → message map for `<el-form-item :error="fieldErrors.name">`. */
export function useFieldErrors<F extends string>() {
  const errors = reactive({}) as Partial<Record<F, string>>

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k as F]
  }

  /** Copies the answer's field errors; returns true when at least one matched a field of this form. */
  function apply(e: unknown, fields: readonly F[]): boolean {
    clear()
    if (!isApiError(e)) return false
    const byField = e.fieldErrors
    let matched = false
    for (const f of fields) {
      if (byField[f]) {
        errors[f] = byField[f]
        matched = true
      }
    }
    return matched
  }

  return { errors, apply, clear }
}
