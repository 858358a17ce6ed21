// The list frame on a phone and on a desk: below 768 px the filters fold behind one 筛选 button (a bottom sheet)
// and the table's body cells carry their column's header (data-label) so that each row shows as a card; on a
// desk the filters stay inline.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { defineComponent, h, nextTick } from 'vue'
import { ElFormItem, ElInput, ElTable, ElTableColumn } from 'element-plus'
import ListPage from '@/components/ListPage.vue'
import { labelTableCells } from '@/directives/phoneCards'
import { i18n } from '@/locales'

const SLOW = { timeout: 20_000 }

function screen(narrow: boolean) {
  vi.stubGlobal(
    'matchMedia',
    vi.fn((query: string) => ({
      matches: narrow && query === '(max-width: 767px)',
      media: query,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
    })),
  )
}

const rows = [
  { code: 'YH-1', name: '消防通道堵塞', status: '整改中' },
  { code: 'YH-2', name: '配电箱未上锁', status: '已登记' },
]

const Host = defineComponent({
  setup() {
    return () =>
      h(
        ListPage,
        { title: '隐患台账', total: 2, page: 1, pageSize: 20, pageSizes: [20] },
        {
          filters: () => h(ElFormItem, { label: '关键字' }, () => h(ElInput, { modelValue: '', name: 'q' })),
          default: () =>
            h(ElTable, { data: rows, rowKey: 'code' }, () => [
              h(ElTableColumn, { prop: 'code', label: '隐患编号' }),
              h(ElTableColumn, { prop: 'name', label: '隐患名称' }),
              h(ElTableColumn, { prop: 'status', label: '状态' }),
            ]),
        },
      )
  },
})

async function settle() {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await nextTick()
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('ListPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('on a phone: one 筛选 button opens the filters in a sheet; rows carry their labels for the cards', SLOW, async () => {
    screen(true)
    const w = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
    await settle()
    expect(w.find('.list-page__filters').exists()).toBe(false)
    const open = w.get('[data-test="filters-open"]')
    expect(open.text()).toBe('筛选')
    await open.trigger('click')
    await settle()
    expect(document.querySelector('[data-test="filters-sheet"] input[name="q"]')).not.toBeNull()

    const table = w.get('.list-page__table')
    expect(table.classes()).toContain('phone-cards')
    const first = table.findAll('.el-table__body tr')[0]
    const cells = first.findAll('td')
    expect(cells.map((c) => c.attributes('data-label'))).toEqual(['隐患编号', '隐患名称', '状态'])
    expect(cells[0].attributes('data-card-title')).toBe('')
    expect(cells[1].attributes('data-card-title')).toBeUndefined()
    w.unmount()
  })

  it('on a desk: the filters stay inline, no 筛选 button', SLOW, async () => {
    screen(false)
    const w = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
    await settle()
    expect(w.find('.list-page__filters input[name="q"]').exists()).toBe(true)
    expect(w.find('[data-test="filters-open"]').exists()).toBe(false)
    w.unmount()
  })
})

describe('labelTableCells', () => {
  it('labels each body cell from its column header; the title is the first labelled cell', () => {
    const root = document.createElement('div')
    root.innerHTML = `
      <div class="el-table">
        <div class="el-table__header-wrapper"><table class="el-table__header"><tr>
          <th class="el-table__cell el-table_3_column_7"><div class="cell"></div></th>
          <th class="el-table__cell el-table_3_column_8"><div class="cell"> 企业 名称 </div></th>
          <th class="el-table__cell el-table_3_column_9"><div class="cell">状态</div></th>
        </tr></table></div>
        <div class="el-table__body-wrapper"><table class="el-table__body"><tbody>
          <tr><td class="el-table__cell el-table_3_column_7"></td><td class="el-table__cell el-table_3_column_8">甲</td><td class="el-table__cell el-table_3_column_9">启用</td></tr>
        </tbody></table></div>
      </div>`
    labelTableCells(root)
    const tds = Array.from(root.querySelectorAll('td'))
    // A selection column has no header text: no label, and it is not the title.
    expect(tds.map((td) => td.getAttribute('data-label'))).toEqual(['', '企业 名称', '状态'])
    expect(tds.map((td) => td.hasAttribute('data-card-title'))).toEqual([false, true, false])
  })
})
