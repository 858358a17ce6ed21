import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type RouteLocationRaw } from 'vue-router'
import { decide, safeRedirect, type SessionState } from '@/router/guard'
import { routes } from '@/router/routes'
import { installGuards } from '@/router'
import { tokenStore } from '@/api/tokens'
import { useAuthStore } from '@/stores/auth'
import type { PermissionCode } from '@/api/types'
import { json, scriptedFetch } from './helpers'

const Dummy = { template: '<div />' }

// The real table plus a page that needs a permission, as later pages will.
function makeRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/org/depts', name: 'depts', component: Dummy, meta: { permission: 'org:dept' } },
      ...routes,
    ],
  })
}

function session(p: Partial<SessionState> & { perms?: PermissionCode[] }): SessionState {
  const perms = new Set<string>(p.perms ?? [])
  return {
    isLoggedIn: p.isLoggedIn ?? true,
    mustChangePassword: p.mustChangePassword ?? false,
    hasPermission: (c) => perms.has(c),
  }
}

describe('decide', () => {
  const router = makeRouter()
  const cases: Array<{ name: string; to: string; s: SessionState; want: true | RouteLocationRaw }> = [
    { name: 'not logged in → login', to: '/', s: session({ isLoggedIn: false }), want: { name: 'login' } },
    {
      name: 'not logged in, deep link → login with redirect',
      to: '/org/depts?page=2',
      s: session({ isLoggedIn: false }),
      want: { name: 'login', query: { redirect: '/org/depts?page=2' } },
    },
    { name: 'not logged in may see the login page', to: '/login', s: session({ isLoggedIn: false }), want: true },
    { name: 'not logged in may see 404', to: '/no/such/page', s: session({ isLoggedIn: false }), want: true },
    {
      name: 'not logged in may not change a password',
      to: '/change-password',
      s: session({ isLoggedIn: false }),
      want: { name: 'login', query: { redirect: '/change-password' } },
    },
    { name: 'must change password → change-password', to: '/', s: session({ mustChangePassword: true }), want: { name: 'change-password' } },
    {
      name: 'must change password even with the permission',
      to: '/org/depts',
      s: session({ mustChangePassword: true, perms: ['org:dept'] }),
      want: { name: 'change-password' },
    },
    { name: 'must change password: the login page too', to: '/login', s: session({ mustChangePassword: true }), want: { name: 'change-password' } },
    { name: 'must change password: 404 too', to: '/nope', s: session({ mustChangePassword: true }), want: { name: 'change-password' } },
    { name: 'must change password may open change-password', to: '/change-password', s: session({ mustChangePassword: true }), want: true },
    {
      name: 'missing permission → 403',
      to: '/org/depts',
      s: session({ perms: ['org:post'] }),
      want: { name: 'forbidden', query: { from: '/org/depts' } },
    },
    { name: 'holding the permission → page', to: '/org/depts', s: session({ perms: ['org:dept'] }), want: true },
    { name: 'home needs no permission', to: '/', s: session({}), want: true },
    { name: '今日排查 (the app start page) without 隐患排查 → home, not 403', to: '/today', s: session({ perms: ['org:dept'] }), want: '/' },
    { name: '今日排查 with 隐患排查 → page', to: '/today', s: session({ perms: ['hz:inspect'] }), want: true },
    { name: 'voluntary password change', to: '/change-password', s: session({}), want: true },
    { name: 'logged in, login page → home', to: '/login', s: session({}), want: '/' },
    { name: 'logged in, login page → its redirect', to: '/login?redirect=%2Forg%2Fdepts', s: session({}), want: '/org/depts' },
    { name: 'the error page is always reachable', to: '/error', s: session({ mustChangePassword: true }), want: true },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(decide(router.resolve(c.to), c.s)).toEqual(c.want)
    })
  }
})

describe('safeRedirect', () => {
  const cases: Array<[unknown, string]> = [
    ['/org/depts', '/org/depts'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['/login', '/'],
    ['/change-password', '/'],
    [undefined, '/'],
    [['/a', '/b'], '/a'],
  ]
  for (const [raw, want] of cases) {
    it(`${JSON.stringify(raw)} → ${want}`, () => expect(safeRedirect(raw)).toBe(want))
  }
})

describe('installed guard', () => {
  beforeEach(() => {
    localStorage.clear()
    tokenStore.reload()
    setActivePinia(createPinia())
  })

  function signIn(mustChange = false) {
    tokenStore.set({ access_token: 'a', refresh_token: 'r', expires_in: 900, must_change_password: mustChange })
  }

  function serveMe(me: object) {
    const f = scriptedFetch((req) => (req.path === '/api/v1/me' ? json(200, me) : json(404, { code: 'not_found', message: '不存在' })))
    vi.stubGlobal('fetch', f.fetch)
    return f
  }

  it('loads /me once and applies its permissions', async () => {
    signIn()
    const { sent } = serveMe({ user: { id: 1, login_name: 'a', display_name: 'A', kind: 'enterprise_admin' }, permissions: ['org:dept'], menus: [], must_change_password: false })
    const router = makeRouter()
    installGuards(router)
    await router.push('/org/depts')
    expect(router.currentRoute.value.name).toBe('depts')
    await router.push('/')
    expect(sent.filter((s) => s.path === '/api/v1/me')).toHaveLength(1)
    expect(useAuthStore().hasPermission('org:dept')).toBe(true)
  })

  it('sends a user whose /me says must_change_password to change-password', async () => {
    signIn(false)
    serveMe({ user: { id: 1, login_name: 'a', display_name: 'A', kind: 'enterprise_user' }, permissions: [], menus: [], must_change_password: true })
    const router = makeRouter()
    installGuards(router)
    await router.push('/')
    expect(router.currentRoute.value.name).toBe('change-password')
  })

  it('shows the error page when /me fails for another reason than 401', async () => {
    signIn()
    vi.stubGlobal('fetch', scriptedFetch(() => json(500, { code: 'internal', message: '服务器内部错误（请求编号 x）' })).fetch)
    const router = makeRouter()
    installGuards(router)
    await router.push('/org/depts')
    expect(router.currentRoute.value.name).toBe('error')
    expect(router.currentRoute.value.query.from).toBe('/org/depts')
  })

  it('goes to login when /me says the session is gone', async () => {
    signIn()
    vi.stubGlobal('fetch', scriptedFetch(() => json(401, { code: 'token_revoked', message: '登录已失效' })).fetch)
    const router = makeRouter()
    installGuards(router)
    await router.push('/org/depts')
    expect(router.currentRoute.value.name).toBe('login')
    expect(tokenStore.get()).toBeNull()
  })
})
