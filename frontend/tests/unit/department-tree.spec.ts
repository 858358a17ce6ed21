// 部门管理: the flat department list as a tree, where a department may move, and what a drag-and-drop in
// the tree sends to the server.
import { describe, expect, it } from 'vitest'
import type { Department } from '@/api/types/enterprise'
import {
  buildDepartmentTree,
  canMoveUnder,
  moveTargets,
  planDrop,
  subtreeIds,
  TOP_LEVEL,
  type DeptNode,
  type DeptOption,
} from '@/views/enterprise/departmentTree'

function dept(id: number, name: string, parent_id: number | null, sort_order: number, post_count = 0, user_count = 0): Department {
  return { id, name, parent_id, sort_order, post_count, user_count, description: '', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }
}

// 总经理办公室 ─┬─ 安全管理部 ── 安全监察科
//              └─ 仓储部 ─┬─ 一号库
//                        └─ 二号库
// 工程部
const list: Department[] = [
  dept(6, '二号库', 3, 20, 1, 1),
  dept(3, '仓储部', 1, 20, 2, 3),
  dept(1, '总经理办公室', null, 0, 1, 1),
  dept(2, '安全管理部', 1, 10, 1, 2),
  dept(4, '安全监察科', 2, 0, 0, 0),
  dept(5, '一号库', 3, 10, 1, 0),
  dept(7, '工程部', null, 10, 2, 1),
]

const names = (ns: DeptNode[]): unknown => ns.map((n) => (n.children.length ? { [n.name]: names(n.children) } : n.name))

describe('buildDepartmentTree', () => {
  it('nests by parent_id with siblings in sort order', () => {
    expect(names(buildDepartmentTree(list))).toEqual([
      { 总经理办公室: [{ 安全管理部: ['安全监察科'] }, { 仓储部: ['一号库', '二号库'] }] },
      '工程部',
    ])
  })

  it('adds up posts and users of each subtree and keeps the department\'s own counts', () => {
    const [office, works] = buildDepartmentTree(list)
    expect(office!.post_count).toBe(1)
    expect(office!.total_posts).toBe(1 + 1 + 0 + 2 + 1 + 1)
    expect(office!.total_users).toBe(1 + 2 + 0 + 3 + 0 + 1)
    const storage = office!.children[1]!
    expect([storage.total_posts, storage.total_users, storage.depth]).toEqual([4, 4, 1])
    expect(works!.total_posts).toBe(2)
  })

  it('orders equal sort orders by id', () => {
    const tree = buildDepartmentTree([dept(9, '乙', null, 0), dept(8, '甲', null, 0)])
    expect(tree.map((n) => n.id)).toEqual([8, 9])
  })

  it('puts a department with a missing parent at the top instead of losing it', () => {
    const tree = buildDepartmentTree([dept(1, '甲', null, 0), dept(2, '乙', 99, 0)])
    expect(tree.map((n) => n.name)).toEqual(['甲', '乙'])
  })

  it('shows departments of a parent cycle at the top rather than dropping them', () => {
    const tree = buildDepartmentTree([dept(1, '甲', 2, 0), dept(2, '乙', 1, 0), dept(3, '丙', null, 0)])
    const all: number[] = []
    const walk = (ns: DeptNode[]) => ns.forEach((n) => (all.push(n.id), walk(n.children)))
    walk(tree)
    expect(all.sort()).toEqual([1, 2, 3])
  })

  it('is empty for no departments', () => {
    expect(buildDepartmentTree([])).toEqual([])
  })
})

describe('move targets', () => {
  it('a department covers itself and everything below it', () => {
    expect([...subtreeIds(list, 1)].sort()).toEqual([1, 2, 3, 4, 5, 6])
    expect([...subtreeIds(list, 3)].sort()).toEqual([3, 5, 6])
    expect([...subtreeIds(list, 7)]).toEqual([7])
  })

  const disabled = (opts: DeptOption[]): string[] => opts.flatMap((o) => [...(o.disabled ? [o.label] : []), ...disabled(o.children ?? [])])
  const enabled = (opts: DeptOption[]): string[] => opts.flatMap((o) => [...(o.disabled ? [] : [o.label]), ...enabled(o.children ?? [])])

  it('offers the top level first and disables the department and its descendants', () => {
    const opts = moveTargets(list, 3, '（顶层）')
    expect(opts[0]).toEqual({ value: TOP_LEVEL, label: '（顶层）' })
    expect(disabled(opts).sort()).toEqual(['一号库', '二号库', '仓储部'].sort())
    expect(enabled(opts)).toEqual(['（顶层）', '总经理办公室', '安全管理部', '安全监察科', '工程部'])
  })

  it('allows every department for a new one', () => {
    expect(disabled(moveTargets(list, null, '顶层'))).toEqual([])
  })

  it('refuses a move under itself or below itself, like the server (department_move_cycle)', () => {
    expect(canMoveUnder(list, 3, 3)).toBe(false)
    expect(canMoveUnder(list, 3, 6)).toBe(false)
    expect(canMoveUnder(list, 1, 4)).toBe(false)
    expect(canMoveUnder(list, 3, 2)).toBe(true)
    expect(canMoveUnder(list, 4, null)).toBe(true)
    expect(canMoveUnder(list, 4, 404)).toBe(false)
  })
})

describe('planDrop', () => {
  it('dropping inside makes the target the parent and puts the department last', () => {
    expect(planDrop(list, 4, 3, 'inner')).toEqual([{ id: 4, parent_id: 3, sort_order: 30 }])
  })

  it('dropping into an empty department keeps the department\'s own order', () => {
    expect(planDrop(list, 7, 4, 'inner')).toEqual([{ id: 7, parent_id: 4, sort_order: 10 }])
  })

  it('dropping before a sibling takes a number between its neighbours', () => {
    // 工程部 before 仓储部: between 安全管理部 (10) and 仓储部 (20), under 总经理办公室.
    expect(planDrop(list, 7, 3, 'before')).toEqual([{ id: 7, parent_id: 1, sort_order: 15 }])
  })

  it('dropping first or last among siblings steps away from the neighbour', () => {
    expect(planDrop(list, 7, 2, 'before')).toEqual([{ id: 7, parent_id: 1, sort_order: 0 }])
    expect(planDrop(list, 4, 7, 'after')).toEqual([{ id: 4, parent_id: null, sort_order: 20 }])
  })

  it('moves a department to the top level when dropped beside a top-level one', () => {
    expect(planDrop(list, 5, 7, 'after')).toEqual([{ id: 5, parent_id: null, sort_order: 20 }])
    // First at the top, before 总经理办公室 (0): no number below 0, so the top level is renumbered.
    expect(planDrop(list, 5, 1, 'before')).toEqual([
      { id: 5, parent_id: null, sort_order: 10 },
      { id: 1, parent_id: null, sort_order: 20 },
      { id: 7, parent_id: null, sort_order: 30 },
    ])
  })

  it('renumbers the siblings when there is no room between the neighbours', () => {
    const tight = [dept(1, '甲', null, 0), dept(2, '乙', null, 1), dept(3, '丙', null, 2), dept(4, '丁', 1, 0)]
    // 丁 between 甲 (0) and 乙 (1): renumber 甲 丁 乙 丙 as 10 20 30 40, the moved one first.
    expect(planDrop(tight, 4, 2, 'before')).toEqual([
      { id: 4, parent_id: null, sort_order: 20 },
      { id: 1, parent_id: null, sort_order: 10 },
      { id: 2, parent_id: null, sort_order: 30 },
      { id: 3, parent_id: null, sort_order: 40 },
    ])
  })

  it('renumbers when the siblings share a number', () => {
    const same = [dept(1, '甲', null, 0), dept(2, '乙', null, 0), dept(3, '丙', null, 0)]
    const plan = planDrop(same, 3, 1, 'before')!
    expect(plan[0]).toEqual({ id: 3, parent_id: null, sort_order: 10 })
    const order = new Map(same.map((d) => [d.id, d.sort_order]))
    for (const u of plan) order.set(u.id, u.sort_order)
    expect([...order.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id)).toEqual([3, 1, 2])
  })

  it('refuses drops onto itself or into its own subtree', () => {
    expect(planDrop(list, 3, 3, 'inner')).toBeNull()
    expect(planDrop(list, 3, 5, 'inner')).toBeNull()
    expect(planDrop(list, 1, 6, 'before')).toBeNull()
    expect(planDrop(list, 404, 1, 'inner')).toBeNull()
  })
})
