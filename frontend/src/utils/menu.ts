// Helpers over the /me menu tree: which entry a route belongs to, and the trail that leads to it.
import type { MenuNode } from '@/api/types'

function normalise(p: string): string {
  const q = p.split(/[?#]/)[0] || '/'
  return q.length > 1 ? q.replace(/\/+$/, '') : q
}

function isExternal(path: string | undefined): boolean {
  return !!path && /^https?:\/\//i.test(path)
}

/** True when the menu path is the route path or a parent of it (/system/users owns /system/users/7). */
function owns(menuPath: string, routePath: string): boolean {
  const m = normalise(menuPath)
  const r = normalise(routePath)
  if (m === '/') return r === '/'
  return r === m || r.startsWith(m + '/')
}

/** The chain of nodes from the root to the entry that best matches the route (longest path wins). */
export function findTrail(menus: readonly MenuNode[], routePath: string): MenuNode[] {
  let best: MenuNode[] = []
  let bestLength = -1
  const walk = (nodes: readonly MenuNode[], trail: MenuNode[]) => {
    for (const n of nodes) {
      const here = [...trail, n]
      if (n.path && !isExternal(n.path) && owns(n.path, routePath) && normalise(n.path).length > bestLength) {
        best = here
        bestLength = normalise(n.path).length
      }
      if (n.children && n.children.length) walk(n.children, here)
    }
  }
  walk(menus, [])
  return best
}

/** Entries that lead somewhere, depth first, for quick links. */
export function leaves(menus: readonly MenuNode[]): MenuNode[] {
  const out: MenuNode[] = []
  const walk = (nodes: readonly MenuNode[]) => {
    for (const n of nodes) {
      if (n.children && n.children.length) walk(n.children)
      else if (n.path) out.push(n)
    }
  }
  walk(menus)
  return out
}

export { isExternal }
