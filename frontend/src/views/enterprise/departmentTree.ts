// Departments arrive as one flat list with parent_id (GET /api/v1/departments); the page shows them as a
// tree. Also here: which departments a department may move under (not itself, not anything below it —
// the server refuses that with department_move_cycle), and what a drag-and-drop in the tree means as
// PUT requests (a new parent, and sort orders that keep the dropped order).
import type { Department } from '@/api/types/enterprise'

export interface DeptNode {
  id: number
  name: string
  parent_id: number | null
  description: string
  sort_order: number
  /** Posts and post users of this department itself. */
  post_count: number
  user_count: number
  /** Posts and post users of this department and every department below it. */
  total_posts: number
  total_users: number
  depth: number
  children: DeptNode[]
  dept: Department
}

const byOrder = (a: Department, b: Department) => a.sort_order - b.sort_order || a.id - b.id

/**
 * Nests the flat list by parent_id, siblings by sort_order then id. A department whose parent is not in
 * the list becomes a root, and so does every department of a parent cycle (bad data must not hide
 * departments).
 */
export function buildDepartmentTree(list: readonly Department[]): DeptNode[] {
  const sorted = list.slice().sort(byOrder)
  const nodes = new Map<number, DeptNode>()
  for (const d of sorted) {
    nodes.set(d.id, {
      id: d.id,
      name: d.name,
      parent_id: d.parent_id ?? null,
      description: d.description ?? '',
      sort_order: d.sort_order ?? 0,
      post_count: d.post_count ?? 0,
      user_count: d.user_count ?? 0,
      total_posts: 0,
      total_users: 0,
      depth: 0,
      children: [],
      dept: d,
    })
  }
  const roots: DeptNode[] = []
  const placed = new Set<number>()
  const children = new Map<number | null, DeptNode[]>()
  for (const d of sorted) {
    const pid = d.parent_id != null && nodes.has(d.parent_id) && d.parent_id !== d.id ? d.parent_id : null
    const list = children.get(pid) ?? []
    list.push(nodes.get(d.id)!)
    children.set(pid, list)
  }
  const attach = (node: DeptNode, depth: number) => {
    placed.add(node.id)
    node.depth = depth
    node.total_posts = node.post_count
    node.total_users = node.user_count
    for (const c of children.get(node.id) ?? []) {
      if (placed.has(c.id)) continue
      attach(c, depth + 1)
      node.children.push(c)
      node.total_posts += c.total_posts
      node.total_users += c.total_users
    }
  }
  for (const r of children.get(null) ?? []) {
    attach(r, 0)
    roots.push(r)
  }
  // Departments only reachable through a cycle: show them at the top rather than lose them.
  for (const d of sorted) {
    if (!placed.has(d.id)) {
      const n = nodes.get(d.id)!
      n.parent_id = null
      attach(n, 0)
      roots.push(n)
    }
  }
  return roots
}

/** The department and every department below it, by id. */
export function subtreeIds(list: readonly Department[], id: number): Set<number> {
  const kids = new Map<number, number[]>()
  for (const d of list) {
    if (d.parent_id != null) kids.set(d.parent_id, [...(kids.get(d.parent_id) ?? []), d.id])
  }
  const out = new Set<number>([id])
  const queue = [id]
  while (queue.length) {
    for (const k of kids.get(queue.shift()!) ?? []) {
      if (!out.has(k)) {
        out.add(k)
        queue.push(k)
      }
    }
  }
  return out
}

/** A tree-select option. */
export interface DeptOption {
  value: number
  label: string
  disabled?: boolean
  children?: DeptOption[]
}

/** The value of the "no parent" choice in parent selects. */
export const TOP_LEVEL = 0

/** Every department as tree-select options. */
export function departmentOptions(tree: readonly DeptNode[]): DeptOption[] {
  const map = (n: DeptNode): DeptOption => ({
    value: n.id,
    label: n.name,
    ...(n.children.length ? { children: n.children.map(map) } : {}),
  })
  return tree.map(map)
}

/**
 * Where `movingId` may be put: a 顶层 choice, then the tree with the department itself and everything
 * below it disabled (they stay visible so the user sees why). With no department moving (a new one),
 * everything is allowed.
 */
export function moveTargets(list: readonly Department[], movingId: number | null, topLabel: string): DeptOption[] {
  const blocked = movingId == null ? new Set<number>() : subtreeIds(list, movingId)
  const map = (n: DeptNode): DeptOption => ({
    value: n.id,
    label: n.name,
    ...(blocked.has(n.id) ? { disabled: true } : {}),
    ...(n.children.length ? { children: n.children.map(map) } : {}),
  })
  return [{ value: TOP_LEVEL, label: topLabel }, ...buildDepartmentTree(list).map(map)]
}

/** True when `movingId` may move under `parentId` (null: the top level). */
export function canMoveUnder(list: readonly Department[], movingId: number, parentId: number | null): boolean {
  if (parentId == null) return true
  if (!list.some((d) => d.id === parentId)) return false
  return !subtreeIds(list, movingId).has(parentId)
}

/** One PUT /api/v1/departments/{id} a drop calls for. */
export interface DeptUpdate {
  id: number
  parent_id: number | null
  sort_order: number
}

/** el-tree's drop positions. */
export type DropType = 'before' | 'after' | 'inner'

/** Sort orders are spaced so a later single insert can go between two without renumbering. */
export const SORT_STEP = 10

/**
 * What dropping `dragId` on `dropId` means: its new parent (the drop target for 'inner', the target's
 * parent otherwise) and, among the new siblings in the order the tree now shows, sort orders that keep
 * that order. Only departments whose parent or sort order changes are returned (the moved one first).
 * Returns null when the drop is not allowed (onto itself or below itself).
 */
export function planDrop(list: readonly Department[], dragId: number, dropId: number, type: DropType): DeptUpdate[] | null {
  const drag = list.find((d) => d.id === dragId)
  const drop = list.find((d) => d.id === dropId)
  if (!drag || !drop || dragId === dropId) return null
  const parentId = type === 'inner' ? drop.id : (drop.parent_id ?? null)
  if (!canMoveUnder(list, dragId, parentId)) return null

  const siblings = list
    .filter((d) => (d.parent_id ?? null) === parentId && d.id !== dragId)
    .sort(byOrder)
  let at = siblings.length
  if (type !== 'inner') {
    const i = siblings.findIndex((d) => d.id === dropId)
    at = type === 'before' ? i : i + 1
  }
  const ordered = [...siblings.slice(0, at), drag, ...siblings.slice(at)]

  // Keep the existing numbers when they already increase strictly in the new order; only the moved
  // department then needs a number between its neighbours (or renumbering, if there is no room).
  const updates: DeptUpdate[] = []
  const prev = ordered[at - 1]
  const next = ordered[at + 1]
  const othersIncrease = siblings.every((d, i) => i === 0 || siblings[i - 1]!.sort_order < d.sort_order)
  if (othersIncrease) {
    let sort: number | null = null
    if (!prev && !next) sort = drag.sort_order
    else if (prev && !next) sort = prev.sort_order + SORT_STEP
    else if (!prev && next && next.sort_order >= 1) sort = Math.max(0, next.sort_order - SORT_STEP)
    else if (prev && next && next.sort_order - prev.sort_order >= 2) sort = Math.floor((prev.sort_order + next.sort_order) / 2)
    if (sort !== null) {
      updates.push({ id: drag.id, parent_id: parentId, sort_order: sort })
      return updates
    }
  }
  ordered.forEach((d, i) => {
    const sort = (i + 1) * SORT_STEP
    const parentChanged = d.id === drag.id && (drag.parent_id ?? null) !== parentId
    if (d.sort_order !== sort || parentChanged || d.id === drag.id) updates.push({ id: d.id, parent_id: parentId, sort_order: sort })
  })
  // The moved department first, so a refusal (a name taken under the new parent) stops before the rest.
  updates.sort((a, b) => (a.id === drag.id ? -1 : b.id === drag.id ? 1 : 0))
  return updates
}
