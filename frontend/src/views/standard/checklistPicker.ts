// The item picker of a post checklist: the enterprise standard as a checkable tree (categories → items),
// and the ordered list of picked items that becomes the checklist's item_ids. Kept free of Vue so the
// rules can be tested as plain functions.

/** What the picker needs of a standard category and its items. */
export interface PickerCategory {
  id: number
  name: string
  items: ReadonlyArray<PickerItem>
}

export interface PickerItem {
  id: number
  subject: string
  content: string
  is_major?: boolean
  grade_code?: string
  checklists?: number
}

/** A node of el-tree: a category (key "c:<id>") or an item (key "i:<id>"). */
export interface PickerNode {
  key: string
  label: string
  kind: 'category' | 'item'
  id: number
  categoryName: string
  item?: PickerItem
  children?: PickerNode[]
}

export const itemKey = (id: number) => `i:${id}`
export const categoryKey = (id: number) => `c:${id}`

/** The tree of a standard; empty categories are left out (nothing to pick there). */
export function buildPickerTree(categories: ReadonlyArray<PickerCategory>): PickerNode[] {
  return categories
    .filter((c) => c.items.length > 0)
    .map((c) => ({
      key: categoryKey(c.id),
      label: c.name,
      kind: 'category' as const,
      id: c.id,
      categoryName: c.name,
      children: c.items.map((it) => ({
        key: itemKey(it.id),
        label: it.subject,
        kind: 'item' as const,
        id: it.id,
        categoryName: c.name,
        item: it,
      })),
    }))
}

/** Item ids of the ticked tree keys (category keys are ignored: their items are ticked themselves). */
export function itemIdsOfKeys(keys: ReadonlyArray<string | number>): number[] {
  const out: number[] = []
  for (const k of keys) {
    const m = /^i:(\d+)$/.exec(String(k))
    if (m) out.push(Number(m[1]))
  }
  return out
}

/** Every item id in the standard's own order (category order, then item order). */
export function standardOrder(categories: ReadonlyArray<PickerCategory>): number[] {
  return categories.flatMap((c) => c.items.map((i) => i.id))
}

/**
 * The checklist order after the ticks changed: items still ticked keep their place, items no longer ticked
 * (or no longer in the standard) drop out, and newly ticked items are appended in the standard's order.
 */
export function applySelection(order: ReadonlyArray<number>, ticked: Iterable<number>, stdOrder: ReadonlyArray<number>): number[] {
  const known = new Set(stdOrder)
  const on = new Set<number>()
  for (const id of ticked) if (known.has(id)) on.add(id)
  const kept = order.filter((id, i) => on.has(id) && order.indexOf(id) === i)
  const have = new Set(kept)
  const added = stdOrder.filter((id) => on.has(id) && !have.has(id))
  return [...kept, ...added]
}

/** The order with `ids` removed. */
export function removeFromOrder(order: ReadonlyArray<number>, ids: Iterable<number>): number[] {
  const drop = new Set(ids)
  return order.filter((id) => !drop.has(id))
}

export type MoveTarget = 'up' | 'down' | 'top' | 'bottom'

/** Moves one item one place up or down, or to the top or the bottom. Unknown ids change nothing. */
export function moveInOrder(order: ReadonlyArray<number>, id: number, to: MoveTarget): number[] {
  const from = order.indexOf(id)
  if (from < 0) return order.slice()
  const target = to === 'up' ? from - 1 : to === 'down' ? from + 1 : to === 'top' ? 0 : order.length - 1
  return moveIndex(order, from, target)
}

/** Moves the element at `from` to index `to` (as drag-and-drop does), clamped to the list. */
export function moveIndex<T>(list: ReadonlyArray<T>, from: number, to: number): T[] {
  const out = list.slice()
  if (from < 0 || from >= out.length) return out
  const target = Math.max(0, Math.min(out.length - 1, to))
  if (target === from) return out
  const [moved] = out.splice(from, 1)
  out.splice(target, 0, moved as T)
  return out
}

/** The picked items sorted back into the standard's order. */
export function sortByStandard(order: ReadonlyArray<number>, stdOrder: ReadonlyArray<number>): number[] {
  const rank = new Map(stdOrder.map((id, i) => [id, i]))
  return order.slice().sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity))
}

/** Whether a node matches the search: an item by its subject, content or category, a category by name. */
export function nodeMatches(query: string, node: Pick<PickerNode, 'kind' | 'label' | 'categoryName' | 'item'>): boolean {
  const q = query.trim().toLowerCase()
  if (!q) return true
  const hay = node.kind === 'item' ? [node.label, node.item?.content ?? '', node.categoryName] : [node.label]
  return hay.some((s) => s.toLowerCase().includes(q))
}
