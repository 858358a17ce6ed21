// Tabs of one browser share the refresh cookie; a refresh token spent twice ends the session (theft). The
// tabs must take turns to refresh, and follow each other's logout and login.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApiClient } from '@/api/client'
import { createTokenStore, LEGACY_KEY, SESSION_KEY } from '@/api/tokens'
import { json, scriptedFetch, type SentRequest } from './helpers'

function memoryStorage() {
  const m = new Map<string, string>()
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  }
}

/** A server with rotating refresh tokens and reuse detection, and the browser's one cookie jar. */
function rotatingServer() {
  const jar = { cookie: 'R1' }
  let valid = 'R1'
  let ended = false
  let n = 1
  const handler = async (req: SentRequest) => {
    if (req.path === '/api/v1/auth/refresh') {
      const sentCookie = jar.cookie // what the browser attached when it sent the request
      await new Promise((r) => setTimeout(r, 20))
      if (ended || sentCookie !== valid) {
        ended = true
        return json(401, { code: 'refresh_reused', message: '登录凭证已被使用，请重新登录' })
      }
      n++
      valid = jar.cookie = `R${n}`
      return json(200, { access_token: `A${n}`, token_type: 'Bearer', expires_in: 900 })
    }
    return req.headers.get('Authorization')?.startsWith('Bearer A') ? json(200, { ok: true }) : json(401, { code: 'token_expired', message: '登录已过期' })
  }
  return { handler, isEnded: () => ended }
}

/** A mutex with the Web Locks API's shape, shared by the "tabs" of one test. */
function webLocks() {
  const queues = new Map<string, Promise<unknown>>()
  return {
    request<T>(name: string, cb: () => Promise<T>): Promise<T> {
      const prev = queues.get(name) ?? Promise.resolve()
      const run = prev.then(cb, cb)
      queues.set(name, run.catch(() => undefined))
      return run
    },
  }
}

function tab(storage: ReturnType<typeof memoryStorage>, fetch: typeof globalThis.fetch) {
  const tokens = createTokenStore(storage)
  const onSessionLost = vi.fn()
  return { tokens, onSessionLost, api: createApiClient({ baseUrl: 'http://app.test', tokens, fetch, onSessionLost }) }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('tabs sharing one session', () => {
  async function bothReload() {
    vi.stubGlobal('navigator', { ...globalThis.navigator, locks: webLocks() })
    const storage = memoryStorage()
    storage.setItem(SESSION_KEY, JSON.stringify({ id: 's1', must_change_password: false }))
    const server = rotatingServer()
    const { fetch, sent } = scriptedFetch(server.handler)
    // Two tabs opened after a reload: neither holds an access token, both call at once.
    const a = tab(storage, fetch)
    const b = tab(storage, fetch)
    const results = await Promise.allSettled([a.api.GET('/api/v1/me'), b.api.GET('/api/v1/me')])
    return { results, server, sent, a, b }
  }

  // The server forgives a spent token only briefly (session.ReuseGrace); this one never does, so only the
  // turns keep both tabs signed in.
  it('take turns to refresh: both stay signed in, the session is not taken for theft', async () => {
    const { results, server, sent, a, b } = await bothReload()
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    expect(server.isEnded()).toBe(false)
    expect(sent.filter((s) => s.path === '/api/v1/auth/refresh')).toHaveLength(2)
    expect(a.tokens.get()?.access_token).not.toBe(b.tokens.get()?.access_token)
    expect(a.onSessionLost).not.toHaveBeenCalled()
    expect(b.onSessionLost).not.toHaveBeenCalled()
  })

  it('a refresh the server refuses without a 401 (a proxy, a rate limit) keeps the session for the next try', async () => {
    const storage = memoryStorage()
    storage.setItem(SESSION_KEY, JSON.stringify({ id: 's1', must_change_password: false }))
    let answer = json(429, { code: 'too_many_requests', message: '请求过于频繁，请稍后再试' })
    const { fetch } = scriptedFetch((req) =>
      req.path === '/api/v1/auth/refresh' ? answer : json(200, { ok: true }),
    )
    const t = tab(storage, fetch)
    await expect(t.api.GET('/api/v1/me')).rejects.toMatchObject({ status: 429 })
    expect(t.tokens.hasSession()).toBe(true)
    expect(t.onSessionLost).not.toHaveBeenCalled()
    answer = json(200, { access_token: 'A1', expires_in: 900 })
    await t.api.GET('/api/v1/me')
    expect(t.tokens.get()?.access_token).toBe('A1')
  })

  it('an old stored token survives a refresh that never got an answer', async () => {
    const storage = memoryStorage()
    storage.setItem(LEGACY_KEY, JSON.stringify({ refresh_token: 'R0' }))
    const { fetch } = scriptedFetch(() => Promise.reject(new TypeError('offline')))
    const t = tab(storage, fetch)
    await expect(t.api.GET('/api/v1/me')).rejects.toMatchObject({ isNetworkError: true })
    expect(t.tokens.legacyRefreshToken()).toBe('R0')
    expect(t.tokens.hasSession()).toBe(true)
  })

  it('a logout in one tab drops the access token of the others', () => {
    const storage = memoryStorage()
    const { fetch } = scriptedFetch(() => json(200, {}))
    const a = tab(storage, fetch)
    a.tokens.start({ access_token: 'A1', expires_in: 900 })
    const b = tab(storage, fetch)
    b.tokens.set({ access_token: 'B1', expires_in: 900 })
    const seen = vi.fn()
    b.tokens.subscribe(seen)
    a.tokens.clear()
    b.tokens.followOtherTabs() // what the storage event does
    expect(b.tokens.get()).toBeNull()
    expect(b.tokens.hasSession()).toBe(false)
    expect(seen).toHaveBeenCalledWith(null)
  })

  it('a login in another tab (maybe as someone else) makes this tab drop its token but keep the session', () => {
    const storage = memoryStorage()
    const { fetch } = scriptedFetch(() => json(200, {}))
    const a = tab(storage, fetch)
    a.tokens.start({ access_token: 'A1', expires_in: 900 })
    const b = tab(storage, fetch)
    b.tokens.set({ access_token: 'B1', expires_in: 900 })
    a.tokens.start({ access_token: 'A2', expires_in: 900 })
    b.tokens.followOtherTabs()
    expect(b.tokens.get()).toBeNull()
    expect(b.tokens.hasSession()).toBe(true)
    // A change of must_change_password alone is not a new session.
    const c = tab(storage, fetch)
    c.tokens.set({ access_token: 'C1', expires_in: 900 })
    a.tokens.update({ must_change_password: true })
    c.tokens.followOtherTabs()
    expect(c.tokens.get()?.access_token).toBe('C1')
  })

  it('a session stored by an earlier version is moved into the cookie by the first refresh', async () => {
    const storage = memoryStorage()
    storage.setItem(LEGACY_KEY, JSON.stringify({ access_token: 'OLD', refresh_token: 'R0', expires_at: 0, must_change_password: false }))
    const { fetch, sent } = scriptedFetch((req) =>
      req.path === '/api/v1/auth/refresh' ? json(200, { access_token: 'A1', expires_in: 900 }) : json(200, { ok: true }),
    )
    const t = tab(storage, fetch)
    expect(t.tokens.hasSession()).toBe(true)
    await t.api.GET('/api/v1/me')
    expect(sent[0]?.path).toBe('/api/v1/auth/refresh')
    expect(sent[0]?.body).toEqual({ refresh_token: 'R0' })
    expect(storage.getItem(LEGACY_KEY)).toBeNull()
    expect(sent[1]?.headers.get('Authorization')).toBe('Bearer A1')
  })
})
