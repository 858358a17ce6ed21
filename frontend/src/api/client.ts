// The typed API client. Every call either resolves with the 2xx body or rejects with an ApiError:
// callers never look at status codes. The middleware
//   - adds `Authorization: Bearer <access token>` (kept in memory), refreshing an expired or missing access
//     token first through the HttpOnly refresh cookie, one tab at a time (see tokens.ts);
//   - on 401 `token_expired` or `token_revoked` refreshes once (one refresh shared by concurrent calls)
//     and retries; `token_revoked` means the account's token version moved (its grants, roles or
//     password changed) while the session may still be alive, so after such a refresh the app is told
//     to reload what it knows about the user (menus, permission codes);
//   - on any other 401 of a signed-in call, a failed refresh (refresh_invalid, refresh_reused) or a
//     retry that is refused again, drops the session and tells the app;
//   - turns non-2xx answers and network failures into ApiError.
import createClient, { type Client, type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiError, errorFromResponse, networkError } from './errors'
import { tokenStore, toTokenAnswer, type TokenStore } from './tokens'
import { API_ORIGIN, API_PREFIX } from '@/config'
import { t } from '@/locales'

/** The code the backend answers with when only the access token's lifetime ran out. */
export const TOKEN_EXPIRED = 'token_expired'
/** The access token's version is stale (grants, roles or password changed); the session may live on. */
export const TOKEN_REVOKED = 'token_revoked'

/** Asks the server to keep the refresh token in its HttpOnly cookie (and guards the refresh against CSRF). */
export const REFRESH_COOKIE_HEADER = 'X-Refresh-Cookie'
/** The Web Lock the tabs take turns on to refresh. */
const REFRESH_LOCK = 'yqyb-refresh'

/** 401 codes worth one refresh and a retry; every other 401 ends the session at once. */
const RENEWABLE = new Set([TOKEN_EXPIRED, TOKEN_REVOKED])

export interface ApiClientOptions {
  /** Origin of the API server ('' for the SPA's own origin); the schema's paths start with /api/v1. */
  baseUrl: string
  tokens: TokenStore
  fetch?: typeof globalThis.fetch
  /** Called once when the session can no longer be used (the tokens are already cleared). */
  onSessionLost?: (err: ApiError) => void
  /**
   * Called after a call refused with `token_revoked` was renewed and retried: the user's permissions
   * may have changed, so /me should be loaded again.
   */
  onTokenRenewed?: () => void
}

export type ApiClient = Client<paths, 'application/json'> & {
  /** Refreshes the access token now; shared with any refresh already running. */
  refresh(): Promise<boolean>
}

// Calls that carry no access token and must never trigger a refresh (that would loop or, for login,
// turn "wrong password" into "session expired").
function isAuthCall(schemaPath: string): boolean {
  return /\/auth\/(login|refresh|logout)$/.test(schemaPath)
}

export function createApiClient(opts: ApiClientOptions): ApiClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '')
  const tokens = opts.tokens
  // Resolved at call time so tests (and polyfills) can replace the global.
  const doFetch: typeof globalThis.fetch = (input, init) => (opts.fetch ?? globalThis.fetch)(input, init)
  // credentials: the refresh cookie must also reach an API on another origin of the same site.
  const client = createClient<paths, 'application/json'>({ baseUrl, fetch: doFetch, credentials: 'include' })

  // A copy of each signed-in request, kept until its answer arrives, so it can be sent again after a refresh.
  const pending = new Map<string, Request>()
  let refreshing: Promise<boolean> | null = null

  function sessionLost(err: ApiError) {
    tokens.clear()
    opts.onSessionLost?.(err)
  }

  async function doRefresh(): Promise<boolean> {
    if (!tokens.hasSession()) return false
    // An earlier version kept the refresh token in localStorage: this refresh moves it into the cookie (it
    // is forgotten once the server has answered it, kept if the answer never came).
    const legacy = tokens.legacyRefreshToken()
    let res: Response
    try {
      res = await doFetch(`${baseUrl}${API_PREFIX}/auth/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [REFRESH_COOKIE_HEADER]: '1' },
        credentials: 'include',
        body: JSON.stringify(legacy ? { refresh_token: legacy } : {}),
      })
    } catch (e) {
      // Offline is not a lost session: the cookie stays, so the next try can still refresh.
      throw networkError(e)
    }
    if (legacy && (res.ok || res.status === 401)) tokens.forgetLegacyRefreshToken()
    if (!res.ok) {
      const err = await errorFromResponse(res)
      // Only the server saying the session is over ends it; a refused or failed request (a proxy's 403,
      // a 429, an older instance during a rolling deploy) leaves it for the next try.
      if (err.status !== 401) throw err
      sessionLost(err)
      return false
    }
    // A logout in another tab while this refresh was on its way: the session stays ended.
    if (!tokens.hasSession()) return false
    let body: unknown
    try {
      body = await res.json()
    } catch {
      body = undefined
    }
    tokens.set(toTokenAnswer(body))
    return true
  }

  // Tabs of one browser share one refresh cookie, and a refresh token used twice ends the session (that is
  // how theft is caught): so the tabs take turns. Each waits for the others' refresh and then spends the
  // token the cookie holds by then. Without Web Locks (old browsers) a tab refreshes on its own.
  async function serialized(): Promise<boolean> {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks
    if (!locks?.request) return doRefresh()
    return await locks.request(REFRESH_LOCK, () => doRefresh())
  }

  function refresh(): Promise<boolean> {
    if (!refreshing) {
      refreshing = serialized().finally(() => {
        refreshing = null
      })
    }
    return refreshing
  }

  function expiredSession(): ApiError {
    return new ApiError(401, 'unauthorized', t('errors.unauthorized'))
  }

  const middleware: Middleware = {
    async onRequest({ request, schemaPath, id }) {
      if (isAuthCall(schemaPath)) {
        request.headers.set(REFRESH_COOKIE_HEADER, '1')
        return request
      }
      if (tokens.hasSession() && tokens.accessExpired()) {
        if (!(await refresh())) throw expiredSession()
      }
      const cur = tokens.get()
      if (!cur) return undefined
      request.headers.set('Authorization', `Bearer ${cur.access_token}`)
      pending.set(id, request.clone())
      return request
    },

    async onResponse({ response, schemaPath, id }) {
      const copy = pending.get(id)
      pending.delete(id)
      if (response.ok) return undefined
      let err = await errorFromResponse(response)
      if (err.status !== 401 || !copy || isAuthCall(schemaPath)) throw err

      if (!RENEWABLE.has(err.code)) {
        sessionLost(err)
        throw err
      }
      // One refresh per call. Another call may already have renewed the token this request was sent
      // with: then it is first retried with the current token, without spending the refresh token.
      let refreshed = false
      let revoked = err.code === TOKEN_REVOKED
      for (;;) {
        const now = tokens.get()
        const renewedElsewhere =
          !!now && copy.headers.get('Authorization') !== `Bearer ${now.access_token}` && !tokens.accessExpired()
        if (!renewedElsewhere) {
          if (refreshed) break
          refreshed = true
          if (!(await refresh())) throw expiredSession()
        }
        const cur = tokens.get()
        if (!cur) throw expiredSession()
        copy.headers.set('Authorization', `Bearer ${cur.access_token}`)
        let again: Response
        try {
          again = await doFetch(copy.clone())
        } catch (e) {
          throw networkError(e)
        }
        if (again.ok) {
          if (revoked) opts.onTokenRenewed?.()
          return again
        }
        err = await errorFromResponse(again)
        if (err.status !== 401 || !RENEWABLE.has(err.code)) break
        revoked = revoked || err.code === TOKEN_REVOKED
      }
      // Refused again with a token minted a moment ago: the session is not usable any more.
      if (err.status === 401) sessionLost(err)
      throw err
    },

    onError({ error, id }) {
      pending.delete(id)
      return networkError(error)
    },
  }
  client.use(middleware)

  return Object.assign(client, { refresh })
}

let sessionLostHandler: ((err: ApiError) => void) | null = null
let tokenRenewedHandler: (() => void) | null = null

/** The router registers here to send the user to the login page when the session ends. */
export function setSessionLostHandler(fn: ((err: ApiError) => void) | null) {
  sessionLostHandler = fn
}

/** The router registers here to reload /me (menus, permissions) after a `token_revoked` renewal. */
export function setTokenRenewedHandler(fn: (() => void) | null) {
  tokenRenewedHandler = fn
}

/** The application's client: same origin unless VITE_API_BASE says otherwise. */
export const api = createApiClient({
  baseUrl: API_ORIGIN,
  tokens: tokenStore,
  onSessionLost: (err) => sessionLostHandler?.(err),
  onTokenRenewed: () => tokenRenewedHandler?.(),
})

/** The body of a successful call (undefined for 204). Failures have already thrown ApiError. */
export async function ok<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data } = await call
  return data as T
}
