// The zh-CN messages are written per area (src/locales/zh-CN/<area>.ts) and merged by spreading, and
// vue-i18n shows the key itself for a key that does not exist: these checks catch what type checking
// cannot — two areas defining the same top-level key, and keys the code uses that no file defines.
import { describe, expect, it } from 'vitest'
import type { RouteRecordRaw } from 'vue-router'
import zhCN, { areas } from '@/locales/zh-CN'
import { routes } from '@/router/routes'

function lookup(key: string): unknown {
  let at: unknown = zhCN
  for (const part of key.split('.')) {
    if (!at || typeof at !== 'object' || !(part in at)) return undefined
    at = (at as Record<string, unknown>)[part]
  }
  return at
}

// The text of every source file but the messages and the API's types (whose schema names look like keys).
const sources = import.meta.glob<string>(['/src/**/*.{ts,vue}', '!/src/locales/**', '!/src/**/*.d.ts', '!/src/api/types/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
})
const topKeys = new Set(Object.keys(zhCN))

describe('zh-CN messages', () => {
  it('gives every top-level key to one area only', () => {
    const owner = new Map<string, string>()
    const clashes: string[] = []
    for (const [area, messages] of Object.entries(areas)) {
      for (const key of Object.keys(messages)) {
        const first = owner.get(key)
        if (first) clashes.push(`${key}: ${first} and ${area}`)
        else owner.set(key, area)
      }
    }
    expect(clashes).toEqual([])
    expect(owner.size).toBe(topKeys.size)
  })

  it('has a string for every route title', () => {
    const missing: string[] = []
    const walk = (rs: RouteRecordRaw[]) => {
      for (const r of rs) {
        if (r.meta?.title && typeof lookup(r.meta.title) !== 'string') missing.push(`${r.path}: ${r.meta.title}`)
        if (r.children) walk(r.children)
      }
    }
    walk(routes)
    expect(missing).toEqual([])
  })

  it('defines every key the source names', () => {
    const missing: string[] = []
    let seen = 0
    for (const [where, text] of Object.entries(sources)) {
      // A quoted key ('hazards.status.open') resolves to a message.
      for (const m of text.matchAll(/'([a-zA-Z]+(?:\.[a-zA-Z0-9_]+)+)'/g)) {
        if (!topKeys.has(m[1].split('.')[0])) continue
        seen++
        if (lookup(m[1]) === undefined) missing.push(`${where}: ${m[1]}`)
      }
      // A key built at run time (`common.frequency.${f}`): its fixed part names a group of messages.
      for (const m of text.matchAll(/`([a-zA-Z]+(?:\.[a-zA-Z0-9_]+)*)\.\$\{/g)) {
        if (!topKeys.has(m[1].split('.')[0])) continue
        seen++
        const group = lookup(m[1])
        if (!group || typeof group !== 'object') missing.push(`${where}: ${m[1]}.…`)
      }
    }
    expect(missing).toEqual([])
    expect(seen).toBeGreaterThan(1000)
  })
})
