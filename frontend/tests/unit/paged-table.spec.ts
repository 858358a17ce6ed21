import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { cleanSort, usePagedTable, type ListParams } from '@/composables/usePagedTable'
import type { Page } from '@/api/types'

const FILTERS = { q: 'string', post_id: 'number', status: 'string' } as const
type Params = ListParams<typeof FILTERS>

async function setup(url: string, total = 45) {
  const fetch = vi.fn(async (p: Params): Promise<Page<{ id: number }>> => {
    const start = (p.page - 1) * p.page_size
    const n = Math.max(0, Math.min(p.page_size, total - start))
    return { items: Array.from({ length: n }, (_, i) => ({ id: start + i + 1 })), total, page: p.page, page_size: p.page_size }
  })
  let table!: ReturnType<typeof usePagedTable<{ id: number }, typeof FILTERS>>
  const Page = defineComponent({
    setup() {
      table = usePagedTable({ filters: FILTERS, sortable: ['login_name', 'display_name', 'id'], fetch })
      return () => h('div')
    },
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/list', name: 'list', component: Page },
      { path: '/other', name: 'other', component: { render: () => h('div') } },
    ],
  })
  await router.push(url)
  const w = mount({ render: () => h('div', [h(Page)]) }, { global: { plugins: [router] } })
  await flushPromises()
  return { w, router, fetch, table: () => table }
}

const lastCall = (fetch: ReturnType<typeof vi.fn>) => fetch.mock.calls[fetch.mock.calls.length - 1]![0]

describe('usePagedTable: the URL holds the state', () => {
  const cases: Array<{ name: string; url: string; params: Params }> = [
    { name: 'a fresh page: first page, default size, no sort', url: '/list', params: { page: 1, page_size: 20 } },
    {
      name: 'everything from the query',
      url: '/list?q=%E5%BA%93%E7%AE%A1&post_id=5&status=active&page=2&page_size=10&sort=-login_name',
      params: { page: 2, page_size: 10, sort: '-login_name', q: '库管', post_id: 5, status: 'active' },
    },
    {
      name: 'nonsense is ignored: bad page, odd size, unknown sort, non-numeric id',
      url: '/list?page=-3&page_size=7&sort=password&post_id=abc',
      params: { page: 1, page_size: 20 },
    },
    { name: 'a blank keyword is no filter', url: '/list?q=%20%20', params: { page: 1, page_size: 20 } },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const { fetch } = await setup(c.url)
      expect(fetch).toHaveBeenCalledTimes(1)
      expect(lastCall(fetch)).toEqual(c.params)
    })
  }

  it('fills the filter form from the query, so a reload shows what was searched', async () => {
    const { table } = await setup('/list?q=abc&post_id=5')
    expect({ ...table().filters }).toEqual({ q: 'abc', post_id: 5, status: '' })
  })

  it('search writes the filters into the URL from the first page, keeping the sort', async () => {
    const { router, fetch, table } = await setup('/list?page=3&sort=display_name')
    table().filters.q = ' 电工 '
    table().filters.post_id = 2
    await table().search()
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ q: '电工', post_id: '2', sort: 'display_name' })
    expect(lastCall(fetch)).toEqual({ page: 1, page_size: 20, sort: 'display_name', q: '电工', post_id: 2 })
  })

  it('sorting and paging go through the URL', async () => {
    const { router, fetch, table } = await setup('/list')
    await table().onSortChange({ prop: 'login_name', order: 'descending' })
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ sort: '-login_name' })
    await table().setPage(2)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ sort: '-login_name', page: '2' })
    await table().setPageSize(50)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ sort: '-login_name', page_size: '50' })
    await table().onSortChange({ prop: 'login_name', order: null })
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ page_size: '50' })
    expect(lastCall(fetch)).toEqual({ page: 1, page_size: 50 })
    expect(table().tableSort.value).toBeUndefined()
  })

  it('reset clears the filters but keeps the sort', async () => {
    const { router, table } = await setup('/list?q=x&status=disabled&sort=-id&page=2')
    await table().reset()
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ sort: '-id' })
    expect({ ...table().filters }).toEqual({ q: '', post_id: undefined, status: '' })
  })

  it('the back button restores the earlier state', async () => {
    const { router, fetch, table } = await setup('/list?q=a')
    table().filters.q = 'b'
    await table().search()
    await flushPromises()
    await router.replace('/list?q=a')
    await flushPromises()
    expect(table().filters.q).toBe('a')
    expect(lastCall(fetch)).toMatchObject({ q: 'a' })
  })

  it('a page past the end (its last row deleted) moves to the last page', async () => {
    const { router, fetch } = await setup('/list?page=9', 45)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ page: '3' })
    expect(lastCall(fetch)).toEqual({ page: 3, page_size: 20 })
  })

  it('the header sort arrow follows the URL', async () => {
    const { table } = await setup('/list?sort=-display_name')
    expect(table().tableSort.value).toEqual({ prop: 'display_name', order: 'descending' })
  })

  it('leaving the page does not load again', async () => {
    const { router, fetch } = await setup('/list')
    const calls = fetch.mock.calls.length
    await router.push('/other?page=2')
    await flushPromises()
    expect(fetch.mock.calls.length).toBe(calls)
  })
})

describe('cleanSort', () => {
  const cases: Array<[string | undefined, string]> = [
    ['-login_name', '-login_name'],
    ['login_name,-id', 'login_name,-id'],
    ['login_name,password', ''],
    ['', ''],
    [undefined, ''],
  ]
  for (const [raw, want] of cases) it(`${raw} → "${want}"`, () => expect(cleanSort(raw, ['login_name', 'id'])).toBe(want))
})
