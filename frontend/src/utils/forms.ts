// Puts the field errors of a `validation_failed` answer next to the form fields they belong to.
import { reactive } from 'vue'
import { isApiError } from '@/api/errors'

/** A reactive field → message map for `<el-form-item :error="fieldErrors.name">`. */
export function useFieldErrors<F extends string>() {
  const errors = reactive({}) as Partial<Record<F, string>>

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k as F]
  }

  /**
   * Copies the answer's field errors; returns true when at least one matched a field of this form.
   * A field reported with a struct prefix ("RoleInput.name", as the role endpoints do) matches "name".
   * `byCode` puts errors that are not validation_failed next to a field too, e.g.
   * { login_name_taken: 'login_name' }: the message then shows under that field.
   */
  function apply(e: unknown, fields: readonly F[], byCode: Partial<Record<string, F>> = {}): boolean {
    clear()
    if (!isApiError(e)) return false
    const reported = e.fieldErrors
    let matched = false
    for (const f of fields) {
      const key = f in reported ? f : Object.keys(reported).find((k) => k.endsWith(`.${f}`))
      if (key && reported[key]) {
        errors[f] = reported[key]
        matched = true
      }
    }
    const target = byCode[e.code]
    if (target && !errors[target]) {
      errors[target] = e.message
      matched = true
    }
    return matched
  }

  return { errors, apply, clear }
}
