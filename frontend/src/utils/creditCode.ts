// The unified social credit code (统一社会信用代码, GB 32100-2015), checked in the browser while the user
// types so a wrong character is caught before the server refuses the form. The server checks the same
// rules (pkg/uscc) and stays the authority; this only explains what is wrong.
//
//   - 18 characters from 0-9 and A-Y without I, O, S, V, Z; each character's value is its index;
//   - positions 3–8 are the administrative-division code (digits);
//   - the 18th is the check character: 31 − (Σ value·weight mod 31) over positions 1–17, with weights
//     3^(i−1) mod 31, and 31 written as 0.

export const CREDIT_CODE_LENGTH = 18
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** What the user typed, as the server reads it: trimmed and upper-cased. */
export function normalizeCreditCode(raw: string): string {
  return raw.trim().toUpperCase()
}

/** The check character for the first 17 characters, or null when they are not 17 valid characters. */
export function creditCheckChar(first17: string): string | null {
  if (first17.length !== CREDIT_CODE_LENGTH - 1) return null
  let sum = 0
  for (let i = 0; i < first17.length; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i]!)
    if (v < 0) return null
    sum += v * WEIGHTS[i]!
  }
  const c = 31 - (sum % 31)
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c]!
}

export type CreditCodeProblem = 'empty' | 'length' | 'character' | 'division' | 'check'

export interface CreditCodeCheck {
  ok: boolean
  problem?: CreditCodeProblem
  /** 1-based position of the first bad character (character, division). */
  position?: number
  /** The offending character (character, division) or the check character found (check). */
  found?: string
  /** The check character the first 17 characters call for (check). */
  expected?: string
  /** Characters typed (length). */
  length?: number
}

/** Checks a code the way the server does, saying where it first goes wrong. */
export function checkCreditCode(raw: string): CreditCodeCheck {
  const code = normalizeCreditCode(raw)
  if (code === '') return { ok: false, problem: 'empty' }
  const chars = Array.from(code)
  if (chars.length !== CREDIT_CODE_LENGTH) return { ok: false, problem: 'length', length: chars.length }
  for (let i = 0; i < chars.length; i++) {
    if (!CREDIT_CODE_ALPHABET.includes(chars[i]!)) return { ok: false, problem: 'character', position: i + 1, found: chars[i] }
  }
  for (let i = 2; i < 8; i++) {
    if (chars[i]! < '0' || chars[i]! > '9') return { ok: false, problem: 'division', position: i + 1, found: chars[i] }
  }
  const expected = creditCheckChar(code.slice(0, 17))!
  if (code[17] !== expected) return { ok: false, problem: 'check', found: code[17], expected }
  return { ok: true }
}

/** True when the code passes every rule of GB 32100-2015. */
export function validCreditCode(raw: string): boolean {
  return checkCreditCode(raw).ok
}

type Translate = (key: string, values?: Record<string, unknown>) => string

/**
 * The hint shown under the field: '' while nothing is typed, otherwise what is wrong (or that the check
 * character matches). `t` is vue-i18n's translate; the messages live under registry.creditCode.
 */
export function creditCodeHint(raw: string, t: Translate): { ok: boolean; text: string } {
  const c = checkCreditCode(raw)
  if (c.problem === 'empty') return { ok: false, text: '' }
  if (c.ok) return { ok: true, text: t('registry.creditCode.ok') }
  switch (c.problem) {
    case 'length':
      return { ok: false, text: t('registry.creditCode.length', { n: c.length }) }
    case 'character':
      return { ok: false, text: t('registry.creditCode.character', { pos: c.position, ch: c.found }) }
    case 'division':
      return { ok: false, text: t('registry.creditCode.division', { pos: c.position, ch: c.found }) }
    default:
      return { ok: false, text: t('registry.creditCode.check', { found: c.found, expected: c.expected }) }
  }
}
