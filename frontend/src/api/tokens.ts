// Token storage: the session outlives a reload, so tokens live in localStorage. The API client and
// the auth store both read it; listeners keep the store in step with refreshes done by the client
// and with logins or logouts in other tabs.
import { ApiError, CLIENT_CODES } from './errors'
import { t } from '@/locales'

export interface Tokens {
  access_token: string
  refresh_token: string
  /** Epoch milliseconds after which the access token is treated as expired. */
  expires_at: number
  must_change_password: boolean
}

/** What login and refresh return. */
export interface TokenAnswer {
  access_token: string
  refresh_token: string
  expires_in: number
  must_change_password?: boolean
}

/** Checks a login or refresh answer; an answer without both tokens is a server fault, not a session. */
export function toTokenAnswer(body: unknown): TokenAnswer {
  const b = (body ?? {}) as Partial<Record<keyof TokenAnswer, unknown>>
  if (typeof b.access_token !== 'string' || !b.access_token || typeof b.refresh_token !== 'string' || !b.refresh_token) {
    throw new ApiError(502, CLIENT_CODES.badResponse, t('errors.badResponse'))
  }
  return {
    access_token: b.access_token,
    refresh_token: b.refresh_token,
    expires_in: typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 0,
    must_change_password: b.must_change_password === true,
  }
}

export const STORAGE_KEY = 'yqyb.auth'

/** Refresh this long before the server's expiry, so a request does not race the deadline. */
const EXPIRY_SKEW_MS = 30_000

type Listener = (tokens: Tokens | null) => void

export interface TokenStore {
  get(): Tokens | null
  set(answer: TokenAnswer): Tokens
  update(patch: Partial<Tokens>): void
  clear(): void
  /** Forget the cached copy and re-read storage (another tab changed it); notifies listeners. */
  reload(): void
  subscribe(fn: Listener): () => void
  /** True when the access token is missing or about to expire. */
  accessExpired(now?: number): boolean
}

function valid(v: unknown): v is Tokens {
  const x = v as Tokens
  return (
    !!x &&
    typeof x.access_token === 'string' &&
    typeof x.refresh_token === 'string' &&
    x.refresh_token !== '' &&
    typeof x.expires_at === 'number'
  )
}

export function createTokenStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null, now = () => Date.now()): TokenStore {
  const listeners = new Set<Listener>()
  let cache: Tokens | null | undefined

  function read(): Tokens | null {
    if (cache !== undefined) return cache
    cache = null
    try {
      const raw = storage?.getItem(STORAGE_KEY)
      const parsed: unknown = raw ? JSON.parse(raw) : null
      cache = valid(parsed) ? { ...parsed, must_change_password: !!parsed.must_change_password } : null
    } catch {
      cache = null
    }
    return cache
  }

  function write(v: Tokens | null) {
    cache = v
    try {
      if (v) storage?.setItem(STORAGE_KEY, JSON.stringify(v))
      else storage?.removeItem(STORAGE_KEY)
    } catch {
      // Private mode or a full quota: the session then lasts until the page is closed.
    }
    listeners.forEach((fn) => fn(v))
  }

  return {
    get: read,
    set(answer) {
      const v: Tokens = {
        access_token: answer.access_token,
        refresh_token: answer.refresh_token,
        // No lifetime given: never refresh ahead; the server's 401 token_expired still triggers a refresh.
        expires_at: answer.expires_in > 0 ? now() + answer.expires_in * 1000 : Number.MAX_SAFE_INTEGER,
        must_change_password: !!answer.must_change_password,
      }
      write(v)
      return v
    },
    update(patch) {
      const cur = read()
      if (cur) write({ ...cur, ...patch })
    },
    clear() {
      write(null)
    },
    reload() {
      cache = undefined
      const v = read()
      listeners.forEach((fn) => fn(v))
    },
    subscribe(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    accessExpired(at = now()) {
      const cur = read()
      return !cur || !cur.access_token || at >= cur.expires_at - EXPIRY_SKEW_MS
    },
  }
}

function browserStorage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null
  } catch {
    return null
  }
}

/** The application's token store. */
export const tokenStore = createTokenStore(browserStorage())

// Another tab logged in or out: drop the cached copy so the next read sees it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY || e.key === null) tokenStore.reload()
  })
}
