// Navigation decisions, kept free of Vue and of the stores so they can be tested as a table.
import type { LocationQuery, RouteLocationRaw, RouteMeta, RouteRecordNameGeneric } from 'vue-router'

export interface SessionState {
  isLoggedIn: boolean
  mustChangePassword: boolean
  hasPermission(code: string): boolean
}

export const ROUTE = {
  login: 'login',
  changePassword: 'change-password',
  home: 'home',
  forbidden: 'forbidden',
  notFound: 'not-found',
  error: 'error',
} as const

/** What the post-login landing depends on: /me's setup_complete and the user's permissions. */
export interface LandingState {
  /** /me.setup_complete: false while an enterprise is still being set up, null for other accounts. */
  setupComplete: boolean | null | undefined
  hasPermission(code: string): boolean
  /** The account's kind (/me.kind): a post user lands on 今日排查. */
  kind?: string | null
}

/** The permission of the initialization page (初始化). */
export const SETUP_PERMISSION = 'setup'

/** The permission of 隐患排查, which a post user's 今日排查 needs. */
export const INSPECT_PERMISSION = 'hz:inspect'
/** 今日排查, the post user's landing page. */
export const TODAY_PATH = '/today'

/**
 * Where a login lands when no page was asked for (login guide §2): an enterprise admin whose setup is not
 * complete sees the initialization page (初始化), a post user 今日排查, everyone else 首页.
 */
export function landingPath(s: LandingState): string {
  if (s.setupComplete === false && s.hasPermission(SETUP_PERMISSION)) return '/setup'
  if (s.kind === 'post_user' && s.hasPermission(INSPECT_PERMISSION)) return TODAY_PATH
  return '/'
}

/** A post-login target from ?redirect=: only a path inside this SPA, never the login page itself. */
export function safeRedirect(raw: unknown): string {
  const v = Array.isArray(raw) ? raw[0] : raw
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return '/'
  if (v === '/login' || v.startsWith('/login?') || v.startsWith('/change-password')) return '/'
  return v
}

/** The parts of a route location the decision reads (normalized or resolved locations both fit). */
export interface Target {
  name?: RouteRecordNameGeneric | null
  fullPath: string
  query: LocationQuery
  meta: RouteMeta
  matched: ReadonlyArray<{ meta: RouteMeta }>
}

/** Where a navigation to `to` may go: `true` to proceed, or the location to go to instead. */
export function decide(to: Target, s: SessionState): true | RouteLocationRaw {
  if (to.name === ROUTE.error) return true

  if (!s.isLoggedIn) {
    if (to.meta.public) return true
    return to.fullPath === '/' ? { name: ROUTE.login } : { name: ROUTE.login, query: { redirect: to.fullPath } }
  }

  // A derivable or reset password must be replaced before anything else (logout stays possible:
  // it is an action that clears the session, after which the login page is public again).
  if (s.mustChangePassword) {
    return to.name === ROUTE.changePassword ? true : { name: ROUTE.changePassword }
  }

  if (to.name === ROUTE.login) return safeRedirect(to.query.redirect)

  for (const record of to.matched) {
    const code = record.meta.permission
    if (code && !s.hasPermission(code)) {
      return { name: ROUTE.forbidden, query: { from: to.fullPath } }
    }
  }
  return true
}
