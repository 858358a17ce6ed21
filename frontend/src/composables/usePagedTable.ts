// A server-paged table whose page, page size, sort and filters live in the route's query string, so a
// reload, a bookmark or the back button shows the same rows. The URL is the single source of truth:
// every change (search, page, sort) rewrites the query, and every query change loads the rows.
//
// Query parameters use the API's names (page, page_size, sort, q, status, post_id, ...), and only values
// that differ from the defaults are written, so a fresh page has a clean URL.
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router'
import type { Page } from '@/api/types'
import { showError } from '@/utils/notify'

export type FilterKind = 'string' | 'number'
export type FilterValue = string | number | undefined

export const PAGE_SIZES = [10, 20, 50, 100] as const
export const DEFAULT_PAGE_SIZE = 20

/** Filter names (as the API and the URL call them) and whether their values are numbers (ids). */
export type FilterSpec = Record<string, FilterKind>

/** A filter's value in the form: ids are numbers (undefined when unset), the rest strings ('' when unset). */
export type FilterValues<F extends FilterSpec> = { -readonly [K in keyof F]: F[K] extends 'number' ? number | undefined : string }

/** What the fetch function receives: paging, sort (API syntax, e.g. "-created_at") and the set filters. */
export type ListParams<F extends FilterSpec> = { page: number; page_size: number; sort?: string } & {
  [K in keyof F]?: F[K] extends 'number' ? number : string
}

export interface PagedTableOptions<T, F extends FilterSpec> {
  filters: F
  /** API field names the list can sort by; a sort on anything else in the URL is ignored. */
  sortable?: readonly string[]
  pageSize?: number
  fetch(params: ListParams<F>): Promise<Page<T>>
}

function first(v: LocationQuery[string] | undefined): string | undefined {
  const x = Array.isArray(v) ? v[0] : v
  return typeof x === 'string' ? x : undefined
}

function positiveInt(v: string | undefined): number | undefined {
  if (!v || !/^\d{1,9}$/.test(v)) return undefined
  const n = Number(v)
  return n >= 1 ? n : undefined
}

/** A sort value is kept only if every key is one the list allows. */
export function cleanSort(raw: string | undefined, sortable: readonly string[]): string {
  if (!raw) return ''
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean)
  if (!parts.length || !parts.every((p) => sortable.includes(p.replace(/^-/, '')))) return ''
  return parts.join(',')
}

function sameQuery(a: LocationQuery | LocationQueryRaw, b: LocationQuery | LocationQueryRaw): boolean {
  const norm = (q: LocationQuery | LocationQueryRaw) =>
    JSON.stringify(
      Object.keys(q)
        .filter((k) => q[k] !== undefined && q[k] !== null && q[k] !== '')
        .sort()
        .map((k) => [k, String(first(q[k] as LocationQuery[string]) ?? q[k])]),
    )
  return norm(a) === norm(b)
}

export function usePagedTable<T, const F extends FilterSpec>(opts: PagedTableOptions<T, F>) {
  type K = keyof F & string
  const route = useRoute()
  const router = useRouter()
  // The page this table belongs to; query changes while leaving it are not ours.
  const ownRoute = route.name
  const keys = Object.keys(opts.filters) as K[]
  const sortable = opts.sortable ?? []
  const defaultSize = opts.pageSize ?? DEFAULT_PAGE_SIZE

  const emptyValue = (k: K): FilterValue => (opts.filters[k] === 'number' ? undefined : '')
  const filters = reactive(Object.fromEntries(keys.map((k) => [k, emptyValue(k)]))) as FilterValues<F>
  const page = ref(1)
  const pageSize = ref(defaultSize)
  const sort = ref('')
  const rows = shallowRef<T[]>([])
  const total = ref(0)
  const loading = ref(false)
  const loaded = ref(false)

  function readQuery(q: LocationQuery) {
    page.value = positiveInt(first(q.page)) ?? 1
    const size = positiveInt(first(q.page_size))
    pageSize.value = size && (PAGE_SIZES as readonly number[]).includes(size) ? size : defaultSize
    sort.value = cleanSort(first(q.sort), sortable)
    const values = filters as Record<K, FilterValue>
    for (const k of keys) {
      const raw = first(q[k])
      values[k] = opts.filters[k] === 'number' ? positiveInt(raw) : (raw ?? '')
    }
  }

  function filterValue(k: K): string | number | undefined {
    const v = (filters as Record<K, FilterValue>)[k]
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string') {
      const s = v.trim()
      return s === '' ? undefined : s
    }
    return v
  }

  function toQuery(): LocationQueryRaw {
    const q: LocationQueryRaw = {}
    for (const k of keys) {
      const v = filterValue(k)
      if (v !== undefined) q[k] = String(v)
    }
    if (sort.value) q.sort = sort.value
    if (page.value > 1) q.page = String(page.value)
    if (pageSize.value !== defaultSize) q.page_size = String(pageSize.value)
    return q
  }

  function params(): ListParams<F> {
    const p = { page: page.value, page_size: pageSize.value } as ListParams<F>
    if (sort.value) p.sort = sort.value
    for (const k of keys) {
      const v = filterValue(k)
      if (v !== undefined) (p as Record<string, unknown>)[k] = v
    }
    return p
  }

  let seq = 0
  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const got = await opts.fetch(params())
      if (mine !== seq) return
      // Past the last page (its last row was just deleted, or a stale link): show the last page.
      if (got.items.length === 0 && got.total > 0 && page.value > 1) {
        page.value = Math.max(1, Math.ceil(got.total / pageSize.value))
        await apply()
        return
      }
      rows.value = got.items
      total.value = got.total
      loaded.value = true
    } catch (e) {
      if (mine === seq) showError(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  /** Writes the state into the URL; the query watcher then loads (or loads now if nothing changed). */
  async function apply() {
    const q = toQuery()
    if (sameQuery(q, route.query)) await load()
    else await router.replace({ query: q })
  }

  watch(
    () => route.query,
    (q) => {
      if (route.name !== ownRoute) return
      readQuery(q)
      void load()
    },
    { immediate: true },
  )

  /** Applies the filter form from the first page. */
  function search() {
    page.value = 1
    return apply()
  }

  /** Clears the filters (not the sort) and shows the first page. */
  function reset() {
    for (const k of keys) (filters as Record<K, FilterValue>)[k] = emptyValue(k)
    page.value = 1
    return apply()
  }

  function setPage(p: number) {
    page.value = p
    return apply()
  }

  function setPageSize(s: number) {
    pageSize.value = s
    page.value = 1
    return apply()
  }

  /** el-table's sort-change: { prop, order: 'ascending' | 'descending' | null }. */
  function onSortChange({ prop, order }: { prop?: string | null; order?: string | null }) {
    sort.value = prop && order && sortable.includes(prop) ? (order === 'descending' ? '-' : '') + prop : ''
    page.value = 1
    return apply()
  }

  /** For el-table's default-sort, so the header arrow matches the URL after a reload. */
  const tableSort = computed(() => {
    const firstKey = sort.value.split(',')[0]
    if (!firstKey) return undefined
    const desc = firstKey.startsWith('-')
    return { prop: firstKey.replace(/^-/, ''), order: desc ? ('descending' as const) : ('ascending' as const) }
  })

  return {
    filters,
    page,
    pageSize,
    pageSizes: PAGE_SIZES as unknown as number[],
    sort,
    rows,
    total,
    loading,
    loaded,
    tableSort,
    search,
    reset,
    setPage,
    setPageSize,
    onSortChange,
    reload: load,
  }
}
