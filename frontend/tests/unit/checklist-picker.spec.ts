// The item picker of a post checklist: ticks in the standard's tree become the ordered item_ids the API
// takes — kept order for items already picked, newly ticked ones appended in the standard's order, and
// moves, removals and 按标准顺序 on the picked list.
import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { i18n } from '@/locales'
import ChecklistItemPicker from '@/views/standard/ChecklistItemPicker.vue'
import {
  applySelection,
  buildPickerTree,
  itemIdsOfKeys,
  moveIndex,
  moveInOrder,
  nodeMatches,
  removeFromOrder,
  sortByStandard,
  standardOrder,
  type PickerCategory,
} from '@/views/standard/checklistPicker'

const categories: PickerCategory[] = [
  {
    id: 1,
    name: '消防安全',
    items: [
      { id: 11, subject: '疏散通道', content: '检查疏散通道是否畅通', is_major: true },
      { id: 12, subject: '灭火器', content: '检查灭火器压力和有效期' },
    ],
  },
  { id: 2, name: '空类别', items: [] },
  {
    id: 3,
    name: '叉车作业',
    items: [
      { id: 31, subject: '叉车制动', content: '检查叉车制动和转向' },
      { id: 32, subject: '货叉', content: '检查货叉有无裂纹' },
      { id: 33, subject: '司机持证', content: '核查特种设备作业人员证' },
    ],
  },
]
const std = standardOrder(categories)

describe('checklist picker rules', () => {
  it('lists the standard in category order and leaves empty categories out of the tree', () => {
    expect(std).toEqual([11, 12, 31, 32, 33])
    const tree = buildPickerTree(categories)
    expect(tree.map((n) => n.key)).toEqual(['c:1', 'c:3'])
    expect(tree[1]!.children!.map((n) => n.key)).toEqual(['i:31', 'i:32', 'i:33'])
  })

  it('reads item ids from ticked keys, ignoring categories', () => {
    expect(itemIdsOfKeys(['c:3', 'i:31', 'i:33', 'x', 'i:'])).toEqual([31, 33])
  })

  const cases: Array<{ name: string; order: number[]; ticked: number[]; want: number[] }> = [
    { name: 'first ticks come in the standard order', order: [], ticked: [33, 11, 31], want: [11, 31, 33] },
    { name: 'an existing order is kept and new ticks are appended', order: [33, 11], ticked: [11, 33, 12], want: [33, 11, 12] },
    { name: 'unticked items drop out', order: [33, 12, 11], ticked: [11, 33], want: [33, 11] },
    { name: 'ids no longer in the standard drop out', order: [99, 31], ticked: [31, 99], want: [31] },
    { name: 'duplicates collapse', order: [31, 31, 11], ticked: [31, 11], want: [31, 11] },
    { name: 'nothing ticked', order: [11, 12], ticked: [], want: [] },
  ]
  for (const c of cases) {
    it(`selection → item_ids: ${c.name}`, () => {
      expect(applySelection(c.order, c.ticked, std)).toEqual(c.want)
    })
  }

  it('moves items up, down, to the top and to the bottom', () => {
    const order = [11, 12, 31, 32]
    expect(moveInOrder(order, 31, 'up')).toEqual([11, 31, 12, 32])
    expect(moveInOrder(order, 31, 'down')).toEqual([11, 12, 32, 31])
    expect(moveInOrder(order, 31, 'top')).toEqual([31, 11, 12, 32])
    expect(moveInOrder(order, 12, 'bottom')).toEqual([11, 31, 32, 12])
    expect(moveInOrder(order, 11, 'up')).toEqual(order)
    expect(moveInOrder(order, 32, 'down')).toEqual(order)
    expect(moveInOrder(order, 77, 'top')).toEqual(order)
  })

  it('drags from one place to another', () => {
    expect(moveIndex([1, 2, 3, 4], 0, 2)).toEqual([2, 3, 1, 4])
    expect(moveIndex([1, 2, 3, 4], 3, 0)).toEqual([4, 1, 2, 3])
    expect(moveIndex([1, 2, 3], 1, 9)).toEqual([1, 3, 2])
  })

  it('removes and sorts back into the standard order', () => {
    expect(removeFromOrder([33, 11, 12], [11])).toEqual([33, 12])
    expect(sortByStandard([33, 11, 31], std)).toEqual([11, 31, 33])
  })

  it('searches items by subject, content and category', () => {
    const [fire, forklift] = buildPickerTree(categories)
    const brake = forklift!.children![0]!
    expect(nodeMatches('制动', brake)).toBe(true)
    expect(nodeMatches('转向', brake)).toBe(true)
    expect(nodeMatches('叉车作业', brake)).toBe(true)
    expect(nodeMatches('灭火器', brake)).toBe(false)
    expect(nodeMatches('消防', fire!)).toBe(true)
    expect(nodeMatches('  ', brake)).toBe(true)
  })
})

describe('ChecklistItemPicker', () => {
  async function mountPicker(initial: number[]) {
    let value = initial.slice()
    const w = mount(ChecklistItemPicker, {
      props: {
        modelValue: value,
        categories,
        'onUpdate:modelValue': async (v: number[]) => {
          value = v
          await w.setProps({ modelValue: v })
        },
      },
      global: { plugins: [i18n] },
      attachTo: document.body,
    })
    await flushPromises()
    return { w, value: () => value }
  }

  const tick = async (w: ReturnType<typeof mount>, id: number) => {
    await w.get(`[data-test="pick-${id}"]`).element.closest('.el-tree-node__content')!.querySelector<HTMLElement>('.el-checkbox__original')!.click()
    await flushPromises()
  }

  it('turns ticks in the tree into the ordered list shown on the right', async () => {
    const { w, value } = await mountPicker([])
    await tick(w, 32)
    await tick(w, 11)
    expect(value()).toEqual([32, 11])
    const rows = w.findAll('[data-test="picked-list"] li')
    expect(rows.map((r) => r.attributes('data-test'))).toEqual(['picked-32', 'picked-11'])
    expect(w.get('[data-test="picked-count"]').text()).toContain('2')
    // Ticking a category picks all its items, appended in the standard's order.
    const category = w.findAll('.el-tree-node').find((n) => n.text().startsWith('叉车作业'))!
    await category.get('.el-checkbox__original').trigger('click')
    await flushPromises()
    expect(value()).toEqual([32, 11, 31, 33])
    w.unmount()
  })

  it('reorders and removes from the picked list, and ticks follow', async () => {
    const { w, value } = await mountPicker([31, 12])
    expect(w.findAll('.el-tree-node.is-checked, .el-tree-node .el-checkbox.is-checked').length).toBeGreaterThan(0)
    const row = w.get('[data-test="picked-12"]')
    await row.get('button[aria-label="置顶"]').trigger('click')
    await flushPromises()
    expect(value()).toEqual([12, 31])
    await w.get('[data-test="picked-31"]').get('button[aria-label="移除"]').trigger('click')
    await flushPromises()
    expect(value()).toEqual([12])
    const ticked = w.findAll('.el-tree-node__content .el-checkbox.is-checked').map((c) => c.element.closest('.el-tree-node__content')!.textContent)
    expect(ticked.some((t) => t!.includes('货叉') || t!.includes('叉车制动'))).toBe(false)
    expect(ticked.some((t) => t!.includes('灭火器'))).toBe(true)
    w.unmount()
  })
})
