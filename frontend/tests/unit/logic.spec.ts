import { describe, expect, it } from 'vitest'
import { checkPassword, passwordAcceptable } from '@/utils/password'
import { findTrail, leaves } from '@/utils/menu'
import { formatDateTime } from '@/utils/time'
import { installPolyfills } from '@/polyfills'
import type { MenuNode } from '@/api/types'

describe('password policy', () => {
  const cases: Array<[string, string, string, boolean, string]> = [
    ['Abcdef12', 'zhangsan', 'old', true, 'upper, lower, digit'],
    ['abcdef1!', 'zhangsan', 'old', true, 'lower, digit, symbol'],
    ['Abcdefgh', 'zhangsan', 'old', false, 'two classes only'],
    ['Ab1!', 'zhangsan', 'old', false, 'too short'],
    ['Abcdef12'.repeat(8) + 'x', 'zhangsan', 'old', false, 'longer than 64'],
    ['Abc def12', 'zhangsan', 'old', false, 'contains a space'],
    ['ZhangSan1', 'zhangsan1', 'old', false, 'equals the user name, ignoring case'],
    ['Old#pass1', 'u', 'Old#pass1', false, 'equals the old password'],
    ['安全生产Ab1x', 'u', 'old', true, 'Chinese characters count as symbols and as one character each'],
  ]
  for (const [pw, user, old, ok, why] of cases) {
    it(`${why}: ${pw}`, () => expect(passwordAcceptable(checkPassword(pw, user, old))).toBe(ok))
  }
})

describe('menu trail', () => {
  const menus: MenuNode[] = [
    { code: 'home', title: '首页', path: '/' },
    {
      code: 'sys',
      title: '系统管理',
      children: [
        { code: 'sys:user', title: '用户管理', path: '/system/users' },
        { code: 'sys:role', title: '角色管理', path: '/system/roles' },
      ],
    },
    { code: 'sys:audit', title: '操作手册', path: 'https://example.gov.cn/manual.pdf' },
  ]
  const cases: Array<[string, string[]]> = [
    ['/', ['home']],
    ['/system/users', ['sys', 'sys:user']],
    ['/system/users/12', ['sys', 'sys:user']],
    ['/system/usersx', []],
    ['/nowhere', []],
  ]
  for (const [path, want] of cases) {
    it(path, () => expect(findTrail(menus, path).map((n) => n.code)).toEqual(want))
  }
  it('leaves lists entries with a path, depth first', () => {
    expect(leaves(menus).map((n) => n.code)).toEqual(['home', 'sys:user', 'sys:role', 'sys:audit'])
  })
})

describe('formatDateTime', () => {
  it('formats in Asia/Shanghai whatever the browser zone', () => {
    expect(formatDateTime(new Date('2024-05-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2024-06-01 00:00:00')
  })
})

describe('polyfills', () => {
  it('add Object.hasOwn and Array.prototype.at/findLast where the engine lacks them', () => {
    const objectCtor: Record<string, unknown> = {}
    // A stand-in Array.prototype: a fresh prototype without the modern methods.
    const arrayProto: Record<string, unknown> = Object.create(null)
    installPolyfills(objectCtor, arrayProto)
    const hasOwn = objectCtor.hasOwn as (o: object, k: string) => boolean
    expect(hasOwn({ a: 1 }, 'a')).toBe(true)
    expect(hasOwn(Object.create({ a: 1 }), 'a')).toBe(false)
    const call = (name: string, arr: number[], ...args: unknown[]) => (arrayProto[name] as (...a: unknown[]) => unknown).apply(arr, args)
    expect([call('at', [1, 2, 3], -1), call('at', [1, 2, 3], 0), call('at', [1, 2, 3], 9)]).toEqual([3, 1, undefined])
    expect(call('findLast', [1, 2, 3, 4], (v: number) => v % 2 === 1)).toBe(3)
    expect(call('findLastIndex', [1, 2, 3, 4], (v: number) => v > 9)).toBe(-1)
    expect(Object.keys(arrayProto)).toEqual([]) // not enumerable: for-in over arrays stays clean
  })

  it('leave native implementations alone', () => {
    const native = () => 'native'
    const objectCtor: Record<string, unknown> = { hasOwn: native }
    installPolyfills(objectCtor, {})
    expect(objectCtor.hasOwn).toBe(native)
  })
})
