// Token storage. The refresh token (a session of up to 30 days) never reaches script: the server keeps it
// in an HttpOnly cookie scoped to /api/v1/auth, set when the SPA logs in or refreshes with the
// X-Refresh-Cookie header. The access token (15 minutes) lives only in this tab's memory; after a reload
// the first API call refreshes through the cookie.
//
// localStorage holds only a marker without secrets, `yqyb.session`: that a session was opened in this
// browser (so a reload tries the cookie instead of showing the login page), an id that changes with each
// login, and whether the password must be changed first. Other tabs watch it: a logout anywhere signs every
// tab out, a login as someone else makes the others drop what they knew.
import { ApiError, CLIENT_CODES } from './errors'
import { t } from '@/locales'

export interface Tokens {
  access_token: string
  /** Epoch milliseconds after which the access token is treated as expired. */
  expires_at: number
  must_change_password: boolean
}

/** What login, refresh and the password change return. */
export interface TokenAnswer {
  access_token: string
  /** Only integrators get it in the body; the browser's is in its cookie. */
  refresh_token?: string
  expires_in: number
  must_change_password?: boolean
}

/** Checks a login or refresh answer; an answer without an access token is a server fault, not a session. */
export function toTokenAnswer(body: unknown): TokenAnswer {
  const b = (body ?? {}) as Partial<Record<keyof TokenAnswer, unknown>>
  if (typeof b.access_token !== 'string' || !b.access_token) {
    throw new ApiError(502, CLIENT_CODES.badResponse, t('errors.badResponse'))
  }
  return {
    access_token: b.access_token,
    expires_in: typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 0,
    must_change_password: b.must_change_password === true,
  }
}

/** The marker of a session in this browser (no secrets). */
export const SESSION_KEY = 'yqyb.session'
/** Where earlier versions kept both tokens; read once to move the session into the cookie, then removed. */
export const LEGACY_KEY = 'yqyb.auth'

/** Refresh this long before the server's expiry, so a request does not race the deadline. */
const EXPIRY_SKEW_MS = 30_000

interface Marker {
  id: string
  must_change_password: boolean
}

type Listener = (tokens: Tokens | null) => void

export interface TokenStore {
  /** This tab's access token, or null before the first refresh after a reload. */
  get(): Tokens | null
  /** True while a session is open in this browser, whether or not this tab holds an access token yet. */
  hasSession(): boolean
  /** Must the password be changed first (known before /me answers, e.g. right after a reload)? */
  mustChangePassword(): boolean
  /** A new session (login): remembers it for every tab. */
  start(answer: TokenAnswer): Tokens
  /** New tokens for the current session (refresh, password change). */
  set(answer: TokenAnswer): Tokens
  update(patch: Partial<Tokens>): void
  /** Ends the session in this browser (every tab follows). */
  clear(): void
  /** The refresh token an earlier version stored, to be moved into the cookie by the next refresh. */
  legacyRefreshToken(): string | null
  /** Forgets it once the server has answered (moved, or refused). */
  forgetLegacyRefreshToken(): void
  /** legacyRefreshToken, then forget it (logout). */
  takeLegacyRefreshToken(): string | null
  subscribe(fn: Listener): () => void
  /** True when the access token is missing or about to expire. */
  accessExpired(now?: number): boolean
  /** Forgets this tab's access token and re-reads the marker (tests start each case from storage). */
  reload(): void
  /**
   * Another tab changed the marker: after its logout, or its login as (possibly) someone else, this tab's
   * access token belongs to a session that is over; it is dropped and the listeners told.
   */
  followOtherTabs(): void
}

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

function readMarker(storage: KeyValueStorage | null): Marker | null {
  try {
    const raw = storage?.getItem(SESSION_KEY)
    const v = (raw ? JSON.parse(raw) : null) as Partial<Marker> | null
    return v && typeof v.id === 'string' && v.id ? { id: v.id, must_change_password: !!v.must_change_password } : null
  } catch {
    return null
  }
}

function newSessionMarkerId(): string {
  return Math.random().toString(36).slice(2) + Date.now().toString(36)
}

export function createTokenStore(storage: KeyValueStorage | null, now = () => Date.now()): TokenStore {
  const listeners = new Set<Listener>()
  let access: Tokens | null = null
  // Without storage (private mode, a full quota) the session lasts as long as the page.
  let memoryMarker: Marker | null = null
  // The session this tab belongs to, as the marker named it when this tab last looked.
  let knownId: string | undefined

  function marker(): Marker | null {
    return storage ? readMarker(storage) : memoryMarker
  }

  function writeMarker(m: Marker | null) {
    memoryMarker = m
    knownId = m?.id
    try {
      if (m) storage?.setItem(SESSION_KEY, JSON.stringify(m))
      else storage?.removeItem(SESSION_KEY)
    } catch {
      // Kept in memory only.
    }
  }

  function notify() {
    listeners.forEach((fn) => fn(access))
  }

  function fromAnswer(answer: TokenAnswer): Tokens {
    return {
      access_token: answer.access_token,
      // No lifetime given: never refresh ahead; the server's 401 token_expired still triggers a refresh.
      expires_at: answer.expires_in > 0 ? now() + answer.expires_in * 1000 : Number.MAX_SAFE_INTEGER,
      must_change_password: !!answer.must_change_password,
    }
  }

  function legacy(): { refresh_token?: unknown; must_change_password?: unknown } | null {
    try {
      const raw = storage?.getItem(LEGACY_KEY)
      return raw ? (JSON.parse(raw) as { refresh_token?: unknown }) : null
    } catch {
      return null
    }
  }

  // A session stored by an earlier version counts as open until its token has been moved or refused.
  const old = legacy()
  if (old && typeof old.refresh_token === 'string' && old.refresh_token && !marker()) {
    writeMarker({ id: newSessionMarkerId(), must_change_password: old.must_change_password === true })
  }
  knownId = marker()?.id

  const store: TokenStore = {
    get: () => access,
    hasSession: () => !!access || !!marker(),
    mustChangePassword: () => (access ? access.must_change_password : !!marker()?.must_change_password),
    start(answer) {
      access = fromAnswer(answer)
      writeMarker({ id: newSessionMarkerId(), must_change_password: access.must_change_password })
      notify()
      return access
    },
    set(answer) {
      access = fromAnswer(answer)
      const m = marker()
      if (!m) writeMarker({ id: newSessionMarkerId(), must_change_password: access.must_change_password })
      else if (m.must_change_password !== access.must_change_password) writeMarker({ ...m, must_change_password: access.must_change_password })
      notify()
      return access
    },
    update(patch) {
      if (!access) return
      access = { ...access, ...patch }
      const m = marker()
      if (m && patch.must_change_password !== undefined && m.must_change_password !== patch.must_change_password) {
        writeMarker({ ...m, must_change_password: patch.must_change_password })
      }
      notify()
    },
    clear() {
      access = null
      writeMarker(null)
      try {
        storage?.removeItem(LEGACY_KEY)
      } catch {
        // Nothing to forget.
      }
      notify()
    },
    legacyRefreshToken() {
      const v = legacy()
      return v && typeof v.refresh_token === 'string' && v.refresh_token ? v.refresh_token : null
    },
    forgetLegacyRefreshToken() {
      try {
        storage?.removeItem(LEGACY_KEY)
      } catch {
        // Nothing to forget.
      }
    },
    takeLegacyRefreshToken() {
      const v = store.legacyRefreshToken()
      store.forgetLegacyRefreshToken()
      return v
    },
    subscribe(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    accessExpired(at = now()) {
      return !access || !access.access_token || at >= access.expires_at - EXPIRY_SKEW_MS
    },
    reload() {
      access = null
      knownId = marker()?.id
      notify()
    },
    followOtherTabs() {
      const m = marker()
      if (m && m.id === knownId) return // only must_change_password moved
      knownId = m?.id
      if (access || !m) {
        access = null
        notify()
      }
    },
  }

  return store
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

// Another tab logged in or out: drop this tab's access token; the next call refreshes through the
// (shared) cookie, or finds the session ended.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === SESSION_KEY || e.key === null) tokenStore.followOtherTabs()
  })
}
