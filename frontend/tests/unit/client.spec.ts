import { describe, expect, it, vi } from 'vitest'
import { createApiClient } from '@/api/client'
import { ApiError } from '@/api/errors'
import { createTokenStore, type TokenStore } from '@/api/tokens'
import { json, scriptedFetch, text, type Handler } from './helpers'

function memoryStorage() {
  const m = new Map<string, string>()
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  }
}

function setup(handler: Handler, opts: { signedIn?: boolean; expiresIn?: number } = {}) {
  const tokens: TokenStore = createTokenStore(memoryStorage())
  if (opts.signedIn !== false) {
    tokens.set({ access_token: 'old-access', refresh_token: 'old-refresh', expires_in: opts.expiresIn ?? 900 })
  }
  const { fetch, sent } = scriptedFetch(handler)
  const onSessionLost = vi.fn()
  const onTokenRenewed = vi.fn()
  const api = createApiClient({ baseUrl: 'http://api.test', tokens, fetch, onSessionLost, onTokenRenewed })
  return { api, tokens, sent, onSessionLost, onTokenRenewed, fetch }
}

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    return e as ApiError
  }
  throw new Error('expected the call to fail')
}

const meBody = { user: { id: 1, login_name: 'u', display_name: '用户', kind: 'post_user' }, permissions: [], menus: [] }

describe('API client: answers become data or ApiError', () => {
  const cases: Array<{ name: string; answer: () => Response | Promise<Response>; status: number; code: string; message: string }> = [
    {
      name: 'network failure',
      answer: () => Promise.reject(new TypeError('Failed to fetch')),
      status: 0,
      code: 'network_error',
      message: '无法连接服务器，请检查网络连接后重试',
    },
    {
      name: 'the backend error shape',
      answer: () => json(403, { code: 'forbidden', message: '无权访问该企业的数据', details: {} }),
      status: 403,
      code: 'forbidden',
      message: '无权访问该企业的数据',
    },
    {
      name: 'a non-JSON 502 from a proxy',
      answer: () => text(502, '<html>502 Bad Gateway</html>'),
      status: 502,
      code: 'http_502',
      message: '服务器暂时无法访问，请稍后重试',
    },
    {
      name: 'a 503 readiness error shape',
      answer: () => json(503, { code: 'database_unavailable', message: '数据库暂不可用' }),
      status: 503,
      code: 'database_unavailable',
      message: '数据库暂不可用',
    },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const { api } = setup(() => c.answer())
      const e = await caught(api.GET('/api/v1/me'))
      expect({ status: e.status, code: e.code, message: e.message }).toEqual({
        status: c.status,
        code: c.code,
        message: c.message,
      })
    })
  }

  it('returns the body of a 2xx answer', async () => {
    const { api } = setup(() => json(200, meBody))
    const { data } = await api.GET('/api/v1/me')
    expect(data).toEqual(meBody)
  })
})

describe('API client: tokens', () => {
  it('sends the access token as a Bearer header', async () => {
    const { api, sent } = setup(() => json(200, meBody))
    await api.GET('/api/v1/me')
    expect(sent[0]!.headers.get('Authorization')).toBe('Bearer old-access')
  })

  it('sends no token with login, and a wrong password is not a lost session', async () => {
    const { api, sent, onSessionLost, tokens } = setup(() =>
      json(401, { code: 'invalid_credentials', message: '用户名或密码错误' }),
    )
    const e = await caught(
      api.POST('/api/v1/auth/login', { body: { mode: 'personal', username: 'x', password: 'y' } }),
    )
    expect(e.message).toBe('用户名或密码错误')
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers.get('Authorization')).toBeNull()
    expect(onSessionLost).not.toHaveBeenCalled()
    expect(tokens.get()).not.toBeNull()
  })

  it('on 401 token_expired refreshes once and retries with the new token', async () => {
    const { api, sent, tokens } = setup((req) => {
      if (req.path === '/api/v1/auth/refresh') {
        return json(200, { access_token: 'new-access', refresh_token: 'new-refresh', token_type: 'Bearer', expires_in: 900, must_change_password: false })
      }
      if (req.headers.get('Authorization') === 'Bearer new-access') return json(200, meBody)
      return json(401, { code: 'token_expired', message: '登录已过期' })
    })
    const { data } = await api.GET('/api/v1/me')
    expect(data).toEqual(meBody)
    expect(sent.map((s) => s.path)).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me'])
    expect(sent[1]!.body).toEqual({})
    expect(sent[1]!.headers.get('X-Refresh-Cookie')).toBe('1')
    expect(tokens.get()?.access_token).toBe('new-access')
  })

  it('replays the request body on retry', async () => {
    const { api, sent } = setup((req) => {
      if (req.path === '/api/v1/auth/refresh') return json(200, { access_token: 'new-access', refresh_token: 'r2', expires_in: 900 })
      if (req.headers.get('Authorization') === 'Bearer new-access') return new Response(null, { status: 204 })
      return json(401, { code: 'token_expired', message: '登录已过期' })
    })
    await api.POST('/api/v1/me/password', { body: { old_password: 'a', new_password: 'b' } })
    expect(sent[2]!.body).toEqual({ old_password: 'a', new_password: 'b' })
  })

  it('shares one refresh between concurrent calls', async () => {
    const { api, sent } = setup(async (req) => {
      if (req.path === '/api/v1/auth/refresh') {
        await new Promise((r) => setTimeout(r, 10))
        return json(200, { access_token: 'new-access', refresh_token: 'r2', expires_in: 900 })
      }
      if (req.headers.get('Authorization') === 'Bearer new-access') return json(200, meBody)
      return json(401, { code: 'token_expired', message: '登录已过期' })
    })
    await Promise.all([api.GET('/api/v1/me'), api.GET('/api/v1/me'), api.GET('/api/v1/me')])
    expect(sent.filter((s) => s.path === '/api/v1/auth/refresh')).toHaveLength(1)
  })

  it('refreshes ahead when the access token has run out', async () => {
    const { api, sent } = setup(
      (req) =>
        req.path === '/api/v1/auth/refresh'
          ? json(200, { access_token: 'new-access', refresh_token: 'r2', expires_in: 900 })
          : json(200, meBody),
      { expiresIn: 1 }, // within the 30 s safety margin
    )
    await api.GET('/api/v1/me')
    expect(sent.map((s) => s.path)).toEqual(['/api/v1/auth/refresh', '/api/v1/me'])
    expect(sent[1]!.headers.get('Authorization')).toBe('Bearer new-access')
  })

  it('a refused refresh ends the session', async () => {
    const { api, onSessionLost, tokens } = setup((req) =>
      req.path === '/api/v1/auth/refresh'
        ? json(401, { code: 'invalid_refresh_token', message: '登录已失效，请重新登录' })
        : json(401, { code: 'token_expired', message: '登录已过期' }),
    )
    const e = await caught(api.GET('/api/v1/me'))
    expect(e.status).toBe(401)
    expect(tokens.get()).toBeNull()
    expect(onSessionLost).toHaveBeenCalledTimes(1)
    expect(onSessionLost.mock.calls[0]![0].message).toBe('登录已失效，请重新登录')
  })

  const fatal = ['token_invalid', 'token_missing', 'unauthorized']
  for (const code of fatal) {
    it(`401 ${code} ends the session without a refresh`, async () => {
      const { api, sent, onSessionLost, tokens } = setup(() => json(401, { code, message: '登录凭证无效，请重新登录' }))
      const e = await caught(api.GET('/api/v1/me'))
      expect(e.code).toBe(code)
      expect(sent).toHaveLength(1)
      expect(tokens.get()).toBeNull()
      expect(onSessionLost).toHaveBeenCalledTimes(1)
    })
  }

  it('a refresh that cannot reach the server keeps the session', async () => {
    const { api, tokens, onSessionLost } = setup((req) =>
      req.path === '/api/v1/auth/refresh'
        ? Promise.reject(new TypeError('offline'))
        : json(401, { code: 'token_expired', message: '登录已过期' }),
    )
    const e = await caught(api.GET('/api/v1/me'))
    expect(e.isNetworkError).toBe(true)
    expect(tokens.hasSession()).toBe(true)
    expect(onSessionLost).not.toHaveBeenCalled()
  })
})

// The server answers token_revoked when the account's token version moved: its grants or roles were
// changed, or its password. The session itself may still be alive, so one refresh is tried.
describe('API client: token_revoked', () => {
  const fresh = { access_token: 'new-access', refresh_token: 'new-refresh', token_type: 'Bearer', expires_in: 900, must_change_password: false }
  const revoked = () => json(401, { code: 'token_revoked', message: '登录状态已失效（密码、账号状态或权限已变更），请重新登录' })

  /** A server that revokes the old token and accepts the refreshed one. */
  function renewing(refreshAnswer: () => Response | Promise<Response> = () => json(200, fresh)): Handler {
    return (req) => {
      if (req.path === '/api/v1/auth/refresh') return refreshAnswer()
      if (req.headers.get('Authorization') === 'Bearer new-access') return json(200, { items: [], total: 0, page: 1, page_size: 20 })
      return revoked()
    }
  }

  it('refreshes once, retries the call with the new token, and asks for the profile again', async () => {
    const { api, sent, tokens, onSessionLost, onTokenRenewed } = setup(renewing())
    const { data } = await api.GET('/api/v1/roles')
    expect(data).toEqual({ items: [], total: 0, page: 1, page_size: 20 })
    expect(sent.map((s) => `${s.method} ${s.path} ${s.headers.get('Authorization') ?? ''}`)).toEqual([
      'GET /api/v1/roles Bearer old-access',
      'POST /api/v1/auth/refresh ',
      'GET /api/v1/roles Bearer new-access',
    ])
    expect(sent[1]!.body).toEqual({})
    expect(tokens.get()).toMatchObject({ access_token: 'new-access' })
    expect(onTokenRenewed).toHaveBeenCalledTimes(1)
    expect(onSessionLost).not.toHaveBeenCalled()
  })

  it('a plain token_expired renewal does not reload the profile', async () => {
    const { api, onTokenRenewed } = setup((req) => {
      if (req.path === '/api/v1/auth/refresh') return json(200, fresh)
      if (req.headers.get('Authorization') === 'Bearer new-access') return json(200, meBody)
      return json(401, { code: 'token_expired', message: '登录已过期，请重新登录' })
    })
    await api.GET('/api/v1/me')
    expect(onTokenRenewed).not.toHaveBeenCalled()
  })

  const refusals: Array<{ code: string; message: string }> = [
    { code: 'refresh_invalid', message: '登录已过期，请重新登录' },
    { code: 'refresh_reused', message: '检测到登录凭证被重复使用，为安全起见已退出登录，请重新登录' },
  ]
  for (const r of refusals) {
    it(`ends the session when the refresh is refused with ${r.code}`, async () => {
      const { api, sent, tokens, onSessionLost, onTokenRenewed } = setup(renewing(() => json(401, r)))
      const e = await caught(api.GET('/api/v1/roles'))
      expect(e.status).toBe(401)
      // No retry of the call after a refused refresh.
      expect(sent.map((s) => s.path)).toEqual(['/api/v1/roles', '/api/v1/auth/refresh'])
      expect(tokens.get()).toBeNull()
      expect(onSessionLost).toHaveBeenCalledTimes(1)
      expect(onSessionLost.mock.calls[0]![0]).toMatchObject({ code: r.code, message: r.message })
      expect(onTokenRenewed).not.toHaveBeenCalled()
    })
  }

  it('tries only one refresh: revoked again after it ends the session', async () => {
    const { api, sent, tokens, onSessionLost, onTokenRenewed } = setup((req) =>
      req.path === '/api/v1/auth/refresh' ? json(200, fresh) : revoked(),
    )
    const e = await caught(api.GET('/api/v1/roles'))
    expect(e.code).toBe('token_revoked')
    expect(sent.filter((s) => s.path === '/api/v1/auth/refresh')).toHaveLength(1)
    expect(sent).toHaveLength(3)
    expect(tokens.get()).toBeNull()
    expect(onSessionLost).toHaveBeenCalledTimes(1)
    expect(onTokenRenewed).not.toHaveBeenCalled()
  })

  it('concurrent revoked calls share one refresh', async () => {
    const { api, sent, onTokenRenewed } = setup(
      renewing(async () => {
        await new Promise((r) => setTimeout(r, 10))
        return json(200, fresh)
      }),
    )
    await Promise.all([api.GET('/api/v1/roles'), api.GET('/api/v1/users'), api.GET('/api/v1/audit-logs')])
    expect(sent.filter((s) => s.path === '/api/v1/auth/refresh')).toHaveLength(1)
    expect(sent.filter((s) => s.headers.get('Authorization') === 'Bearer new-access')).toHaveLength(3)
    expect(onTokenRenewed).toHaveBeenCalledTimes(3)
  })

  it('a late answer to a call sent with the old token is retried with the current one, without a second refresh', async () => {
    let releaseSlow!: () => void
    const slowGate = new Promise<void>((r) => (releaseSlow = r))
    const { api, sent } = setup(async (req) => {
      if (req.path === '/api/v1/auth/refresh') return json(200, fresh)
      if (req.headers.get('Authorization') === 'Bearer new-access') return json(200, meBody)
      // The slow call's 401 arrives only after the fast call has refreshed.
      if (req.path === '/api/v1/users') await slowGate
      return revoked()
    })
    const slow = api.GET('/api/v1/users')
    await api.GET('/api/v1/me')
    releaseSlow()
    await slow
    expect(sent.filter((s) => s.path === '/api/v1/auth/refresh')).toHaveLength(1)
    expect(sent.filter((s) => s.path === '/api/v1/users').map((s) => s.headers.get('Authorization'))).toEqual([
      'Bearer old-access',
      'Bearer new-access',
    ])
  })

  it('a call retried with a token renewed elsewhere, revoked again meanwhile, still gets its one refresh', async () => {
    let releaseSlow!: () => void
    const slowGate = new Promise<void>((r) => (releaseSlow = r))
    let refreshes = 0
    let movedAgain = false
    const { api, sent, onSessionLost, onTokenRenewed } = setup(async (req) => {
      if (req.path === '/api/v1/auth/refresh') {
        refreshes++
        return json(200, { ...fresh, access_token: `new-access-${refreshes}`, refresh_token: `r${refreshes}` })
      }
      const auth = req.headers.get('Authorization')
      if (req.path === '/api/v1/users' && auth === 'Bearer old-access') await slowGate
      if (auth === 'Bearer new-access-2' || (auth === 'Bearer new-access-1' && !movedAgain)) return json(200, meBody)
      return revoked()
    })
    const slow = api.GET('/api/v1/users')
    await api.GET('/api/v1/me') // renews to new-access-1
    movedAgain = true // the grants change again: new-access-1 is revoked too
    releaseSlow()
    await slow
    expect(refreshes).toBe(2)
    expect(sent.filter((s) => s.path === '/api/v1/users').map((s) => s.headers.get('Authorization'))).toEqual([
      'Bearer old-access',
      'Bearer new-access-1',
      'Bearer new-access-2',
    ])
    expect(onSessionLost).not.toHaveBeenCalled()
    expect(onTokenRenewed).toHaveBeenCalledTimes(2)
  })
})
