// The region tree (市 → 区 → 街道) from the flat GET /api/v1/regions list, for tree selects.
import type { Region } from '@/api/types/platform'

export interface RegionOption {
  value: number
  label: string
  children?: RegionOption[]
}

/** Nests regions by parent_id; regions whose parent is not in the list become roots (a subtree). */
export function regionTree(regions: readonly Region[]): RegionOption[] {
  const byId = new Map<number, RegionOption>()
  const sorted = regions.slice().sort((a, b) => a.sort_order - b.sort_order || a.path.localeCompare(b.path))
  for (const r of sorted) byId.set(r.id, { value: r.id, label: r.name })
  const roots: RegionOption[] = []
  for (const r of sorted) {
    const node = byId.get(r.id)!
    const parent = r.parent_id != null ? byId.get(r.parent_id) : undefined
    if (parent) (parent.children ??= []).push(node)
    else roots.push(node)
  }
  return roots
}

/** The region with the given id and every region below it (by path prefix). */
export function regionSubtree(regions: readonly Region[], rootId: number): Region[] {
  const root = regions.find((r) => r.id === rootId)
  if (!root) return []
  return regions.filter((r) => r.path.startsWith(root.path))
}
