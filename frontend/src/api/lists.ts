// Reading list answers. Every list endpoint answers {items, total, page, page_size}; the generated schema
// cannot say so (see types.ts), so the shape is checked here once instead of cast in every page.
import type { Page } from './types'

/** The largest page_size the server accepts. */
export const MAX_PAGE_SIZE = 100

/** The page body of a list call, with absent fields filled in so tables never see undefined. */
export async function page<T>(call: Promise<{ data?: unknown; response: Response }>): Promise<Page<T>> {
  const { data } = await call
  const b = (data ?? {}) as Partial<Page<T>>
  const items = Array.isArray(b.items) ? b.items : []
  return {
    items,
    total: typeof b.total === 'number' ? b.total : items.length,
    page: typeof b.page === 'number' ? b.page : 1,
    page_size: typeof b.page_size === 'number' ? b.page_size : items.length,
  }
}

/**
 * Every item of a list, page by page at the largest page size (e.g. all post users of an enterprise for
 * a transfer list). `limit` stops a runaway loop should the total keep growing.
 */
export async function allPages<T>(fetchPage: (page: number, pageSize: number) => Promise<Page<T>>, limit = 10_000): Promise<T[]> {
  const out: T[] = []
  for (let p = 1; ; p++) {
    const got = await fetchPage(p, MAX_PAGE_SIZE)
    out.push(...got.items)
    if (got.items.length === 0 || out.length >= got.total || out.length >= limit) return out
  }
}
