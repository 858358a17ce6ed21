// The logic behind the permission tree of the grant dialogs (用户授权, 角色授权), kept apart from the
// el-tree that shows it so it can be tested as plain data.
//
// The catalogue (GET /api/v1/permissions) is groups → menus (pages) → buttons. Ticking works like a
// cascading tree: ticking a node ticks everything under it, and a parent shows as ticked only when all
// its children are. One thing a plain cascade cannot express is a page without any of its buttons
// (e.g. 用户管理 to look, without 新建/删除); the seed's 安全员 role is exactly that. So every menu that has
// buttons gets a first child "访问页面" standing for the page itself, and a button can only be ticked
// together with its page (ticking a button ticks the page, unticking the page unticks its buttons),
// which is also what the server does: a granted button implies its page and group.
//
// What is sent back is what the user ticked: ticked leaves and fully ticked nodes. Half-ticked parents
// are left out; the server adds the menus and groups above a granted code itself.
import type { PermissionNode } from '@/api/types/system'

export type PermissionItemType = 'group' | 'menu' | 'button' | 'page'

/** One node as the tree shows it. `key` is unique; `code` is the permission code it stands for. */
export interface PermissionItem {
  key: string
  code: string
  label: string
  type: PermissionItemType
  /** The current user does not hold the code, so it may neither grant nor revoke it. */
  disabled: boolean
  children?: PermissionItem[]
}

const PAGE_SUFFIX = '#page'

/** The key of the "访问页面" leaf of a menu. */
export function pageKey(menuCode: string): string {
  return menuCode + PAGE_SUFFIX
}

/** The permission code a tree key stands for. */
export function codeOfKey(key: string): string {
  return key.endsWith(PAGE_SUFFIX) ? key.slice(0, -PAGE_SUFFIX.length) : key
}

/** Builds the tree items from the catalogue; codes outside `held` are disabled. */
export function buildPermissionItems(nodes: readonly PermissionNode[], held: Iterable<string>, pageLabel: string): PermissionItem[] {
  const holds = held instanceof Set ? (held as Set<string>) : new Set(held)
  const walk = (n: PermissionNode): PermissionItem => {
    const item: PermissionItem = { key: n.code, code: n.code, label: n.title, type: n.type, disabled: !holds.has(n.code) }
    const children = (n.children ?? []).map(walk)
    if (n.type === 'menu' && children.length > 0) {
      children.unshift({ key: pageKey(n.code), code: n.code, label: pageLabel, type: 'page', disabled: item.disabled })
    }
    if (children.length > 0) item.children = children
    return item
  }
  return nodes.map(walk)
}

function isLeaf(item: PermissionItem): boolean {
  return !item.children || item.children.length === 0
}

/** Every leaf of the tree, depth first. */
export function leafItems(items: readonly PermissionItem[]): PermissionItem[] {
  const out: PermissionItem[] = []
  const walk = (list: readonly PermissionItem[]) => {
    for (const it of list) {
      if (isLeaf(it)) out.push(it)
      else walk(it.children!)
    }
  }
  walk(items)
  return out
}

/**
 * The leaves to show ticked for a set of held codes (as the server stores them: with their menus and
 * groups). Only leaves are ticked: parents follow from them, so a stored menu code never ticks buttons
 * the role or user does not have.
 */
export function leafKeysForCodes(items: readonly PermissionItem[], codes: Iterable<string>): string[] {
  const set = new Set(codes)
  return leafItems(items)
    .filter((l) => set.has(l.code))
    .map((l) => l.key)
}

/**
 * The keys of ticked nodes for a set of ticked leaves: the leaves themselves and every parent all of
 * whose children are ticked (el-tree's getCheckedKeys()). Half-ticked parents are not included.
 */
export function tickedKeys(items: readonly PermissionItem[], leafKeys: Iterable<string>): string[] {
  const leaves = new Set(leafKeys)
  const out: string[] = []
  const walk = (it: PermissionItem): boolean => {
    if (isLeaf(it)) {
      const on = leaves.has(it.key)
      if (on) out.push(it.key)
      return on
    }
    let all = true
    for (const c of it.children!) all = walk(c) && all
    if (all) out.push(it.key)
    return all
  }
  items.forEach(walk)
  return out
}

/** The codes to send: what the user ticked (ticked leaves and fully ticked nodes), sorted, no repeats. */
export function codesToSend(items: readonly PermissionItem[], leafKeys: Iterable<string>): string[] {
  return Array.from(new Set(tickedKeys(items, leafKeys).map(codeOfKey))).sort()
}

/**
 * Keeps "a button needs its page": after the user changed the ticks (el-tree has already cascaded the
 * click), returns the ticked leaves with
 *   - the page leaf of every menu that has a ticked button ticked as well, when the user ticked a button;
 *   - the buttons of a menu unticked, when the user unticked its page leaf.
 * Disabled leaves are never changed.
 */
export function reconcileLeaves(
  items: readonly PermissionItem[],
  leafKeys: Iterable<string>,
  changed: { key: string; checked: boolean },
): string[] {
  const on = new Set(leafKeys)
  const visit = (list: readonly PermissionItem[]) => {
    for (const it of list) {
      if (it.type === 'menu' && it.children && it.children[0]?.type === 'page') {
        const page = it.children[0]
        const buttons = it.children.slice(1)
        const pageUnticked = !changed.checked && changed.key === page.key
        if (pageUnticked) {
          on.delete(page.key)
          for (const b of buttons) if (!b.disabled) on.delete(b.key)
        } else if (!on.has(page.key) && !page.disabled && buttons.some((b) => on.has(b.key))) {
          on.add(page.key)
        }
      }
      if (it.children) visit(it.children)
    }
  }
  visit(items)
  return leafItems(items)
    .filter((l) => on.has(l.key))
    .map((l) => l.key)
}

/** Titles of codes, from the catalogue (for tags showing effective permissions). */
export function titlesByCode(nodes: readonly PermissionNode[]): Map<string, { title: string; type: PermissionNode['type'] }> {
  const out = new Map<string, { title: string; type: PermissionNode['type'] }>()
  const walk = (list: readonly PermissionNode[]) => {
    for (const n of list) {
      out.set(n.code, { title: n.title, type: n.type })
      if (n.children) walk(n.children)
    }
  }
  walk(nodes)
  return out
}
