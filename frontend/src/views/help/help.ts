// The operation manual (操作手册): loading its chapters from the public /api/v1/manual endpoints, and the
// small decisions of the help page kept free of Vue so they can be tested on their own.
//
// The endpoints need no token (the manual is readable from the login page), so they are called with plain
// fetch rather than the typed client; failures become the same ApiError every other call produces.
import { API_ORIGIN, API_PREFIX } from '@/config'
import { errorFromResponse, networkError } from '@/api/errors'

/** A chapter as the table of contents lists it. */
export interface ChapterInfo {
  slug: string
  title: string
  audience: string[]
}

/** A chapter with its body: HTML rendered on the server from the manual's Markdown (trusted content). */
export interface Chapter extends ChapterInfo {
  html: string
}

/** Texts of the help page. */
export const HELP_TEXT = {
  title: '操作手册',
  contents: '目录',
  download: '下载操作手册',
  downloadHint: '下载完整手册（HTML 文件，可离线阅读，在浏览器中打印或另存为 PDF）',
  audienceAll: '全部',
  audienceLabel: '适用对象',
  filterLabel: '按身份查看',
  loading: '正在加载…',
  loadFailed: '操作手册加载失败',
  retry: '重试',
  notFound: '操作手册中没有该章节',
  firstChapter: '从第一章开始阅读',
  backToSystem: '返回系统',
  toLogin: '登录系统',
  noChapters: '没有适用于该身份的章节',
  previous: '上一章',
  next: '下一章',
} as const

/** Who the manual is written for, in the order the filter offers them. */
export const AUDIENCES = ['企业管理员', '岗位用户', '企业用户', '监管部门', '平台管理员'] as const

const base = `${API_ORIGIN}${API_PREFIX}/manual`

/** Where the whole manual downloads from (a public endpoint: a plain link works). */
export const DOWNLOAD_URL = `${base}/download`

async function getJSON<T>(url: string, fetchFn: typeof fetch): Promise<T> {
  let res: Response
  try {
    res = await fetchFn(url, { headers: { Accept: 'application/json' } })
  } catch (e) {
    throw networkError(e)
  }
  if (!res.ok) throw await errorFromResponse(res)
  return (await res.json()) as T
}

let listCache: Promise<ChapterInfo[]> | null = null
const chapterCache = new Map<string, Promise<Chapter>>()

/** The chapters in order; loaded once per page load (the manual only changes with a new release). */
export function loadChapters(fetchFn: typeof fetch = (i, o) => globalThis.fetch(i, o)): Promise<ChapterInfo[]> {
  if (!listCache) {
    listCache = getJSON<ChapterInfo[]>(base, fetchFn)
    listCache.catch(() => {
      listCache = null
    })
  }
  return listCache
}

/** One chapter; a slug the manual does not have rejects with a 404 ApiError (code not_found). */
export function loadChapter(slug: string, fetchFn: typeof fetch = (i, o) => globalThis.fetch(i, o)): Promise<Chapter> {
  let p = chapterCache.get(slug)
  if (!p) {
    p = getJSON<Chapter>(`${base}/${encodeURIComponent(slug)}`, fetchFn)
    chapterCache.set(slug, p)
    p.catch(() => chapterCache.delete(slug))
  }
  return p
}

/** Forgets what was loaded (tests). */
export function resetHelpCache() {
  listCache = null
  chapterCache.clear()
}

/** The chapters written for an audience ('' for all). */
export function chaptersFor(chapters: readonly ChapterInfo[], audience: string): ChapterInfo[] {
  return audience ? chapters.filter((c) => c.audience.indexOf(audience) >= 0) : chapters.slice()
}

/**
 * The chapter a link in a chapter body points to, or null for any other link. Chapters link to each
 * other by bare slug (href="statistics"); the page follows those as routes instead of reloading.
 */
export function chapterLinkTarget(href: string | null, slugs: readonly string[]): string | null {
  if (!href) return null
  const m = /^(?:\/help\/)?([a-z0-9]+(?:-[a-z0-9]+)*)(#.*)?$/.exec(href)
  return m && slugs.indexOf(m[1]) >= 0 ? m[1] : null
}

/** The chapters before and after the given one, for the links at the end of a chapter. */
export function neighbours(chapters: readonly ChapterInfo[], slug: string): { prev: ChapterInfo | null; next: ChapterInfo | null } {
  const i = chapters.findIndex((c) => c.slug === slug)
  if (i < 0) return { prev: null, next: null }
  return { prev: i > 0 ? chapters[i - 1] : null, next: i < chapters.length - 1 ? chapters[i + 1] : null }
}
