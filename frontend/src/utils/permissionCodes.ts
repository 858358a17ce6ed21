// Permission codes against the catalogue: their titles, the menus and groups a code implies (as the
// server adds them), and readable grant errors.
import type { PermissionNode } from '@/api/types/system'
import { ApiError, isApiError } from '@/api/errors'
import { t } from '@/locales'
import { titlesByCode } from './permissionTree'

function parents(nodes: readonly PermissionNode[]): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (list: readonly PermissionNode[], parent: string | null) => {
    for (const n of list) {
      if (parent) out.set(n.code, parent)
      if (n.children) walk(n.children, n.code)
    }
  }
  walk(nodes, null)
  return out
}

/** The codes with every menu and group above them, sorted, without repeats (the server's rule). */
export function withAncestors(nodes: readonly PermissionNode[], codes: readonly string[]): string[] {
  const up = parents(nodes)
  const out = new Set<string>()
  for (const c of codes) {
    for (let x: string | undefined = c; x && !out.has(x); x = up.get(x)) out.add(x)
  }
  return Array.from(out).sort()
}

export function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

/**
 * grant_exceeds_own lists the offending codes in details.codes; name them by title so the message says
 * which permissions. Other errors are returned unchanged.
 */
export function explainGrantError(e: unknown, nodes: readonly PermissionNode[]): unknown {
  if (!isApiError(e) || e.code !== 'grant_exceeds_own') return e
  const raw = e.details.codes
  const list = Array.isArray(raw) ? raw.filter((c): c is string => typeof c === 'string') : []
  if (!list.length) return e
  const titles = titlesByCode(nodes)
  const names = list.map((c) => titles.get(c)?.title ?? c).join('、')
  return new ApiError(e.status, e.code, `${e.message}：${t('perm.exceeds', { list: names })}`, e.details)
}
