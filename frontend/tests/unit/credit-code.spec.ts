// The unified social credit code (GB 32100-2015) hint of the registration and profile forms.
import { describe, expect, it } from 'vitest'
import { i18n } from '@/locales'
import { checkCreditCode, creditCheckChar, creditCodeHint, normalizeCreditCode, validCreditCode } from '@/utils/creditCode'

const t = i18n.global.t as (key: string, values?: Record<string, unknown>) => string

describe('credit code', () => {
  it('accepts valid codes, typed in lower case or with spaces around', () => {
    expect(validCreditCode('91350100M000100Y43')).toBe(true)
    expect(validCreditCode('91110105MA01ABCD13')).toBe(true)
    expect(validCreditCode('  91350100m000100y43 ')).toBe(true)
    expect(normalizeCreditCode(' 91350100m000100y43 ')).toBe('91350100M000100Y43')
  })

  it('computes the check character from the first 17 (weights 3^(i-1) mod 31, 31 → 0)', () => {
    expect(creditCheckChar('91350100M000100Y4')).toBe('3')
    expect(creditCheckChar('91110105MA01ABCD1')).toBe('3')
    expect(creditCheckChar('9135010')).toBeNull()
    expect(creditCheckChar('91350100M000100YI')).toBeNull()
    // Every code completed with its check character is valid, whatever the first 17 are.
    for (const body of ['11100000000000000', '52110108MJ0000000', '0000000000000000Y', 'YYYYYYYYYYYYYYYYY'.replace(/^(..)....../, '$1123456')]) {
      expect(validCreditCode(body + creditCheckChar(body)!)).toBe(true)
    }
  })

  it('says where a code goes wrong', () => {
    expect(checkCreditCode('')).toEqual({ ok: false, problem: 'empty' })
    expect(checkCreditCode('91350100M000100Y4')).toEqual({ ok: false, problem: 'length', length: 17 })
    expect(checkCreditCode('91350100M000100Y433')).toMatchObject({ problem: 'length', length: 19 })
    expect(checkCreditCode('91350100I000100Y43')).toEqual({ ok: false, problem: 'character', position: 9, found: 'I' })
    expect(checkCreditCode('913501O0M000100Y43')).toEqual({ ok: false, problem: 'character', position: 7, found: 'O' })
    expect(checkCreditCode('9135A100M000100Y43')).toEqual({ ok: false, problem: 'division', position: 5, found: 'A' })
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ ok: false, problem: 'check', found: '4', expected: '3' })
  })

  it('turns the problem into the Chinese hint shown under the field', () => {
    expect(creditCodeHint('', t)).toEqual({ ok: false, text: '' })
    expect(creditCodeHint('91350100M000100Y43', t)).toEqual({ ok: true, text: '校验通过（GB 32100-2015）' })
    expect(creditCodeHint('913501', t).text).toBe('已输入 6 位，统一社会信用代码应为 18 位')
    expect(creditCodeHint('91350100M000100Y44', t).text).toBe('校验位（第 18 位）应为“3”，当前为“4”，请核对前 17 位或校验位')
    expect(creditCodeHint('91350100Z000100Y43', t).text).toContain('第 9 位“Z”不是有效字符')
    expect(creditCodeHint('9135A100M000100Y43', t).text).toContain('第 5 位“A”有误')
  })
})
