// After a call is renewed from token_revoked (a grant or role change), the app reloads /me: the menus
// and permission codes follow, and a page the user may no longer open is left for 403.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api/client'
import { tokenStore } from '@/api/tokens'
import { installGuards } from '@/router'
import { routes } from '@/router/routes'
import { useAuthStore } from '@/stores/auth'
import { flush, json, scriptedFetch } from './helpers'
// The 403 page the first test ends on, loaded before the tests: its first load (Element Plus's modules,
// transformed on the fly) is slower than the wait below allows on a busy machine.
import '@/views/ForbiddenView.vue'

const Dummy = { template: '<div />' }

function me(permissions: string[]) {
  return {
    user: { id: 11, login_name: '朝阳商场-库管员', display_name: '孙丽', kind: 'post_user' },
    enterprise: { id: 1, name: '北京朝阳示范商场有限公司' },
    post: { id: 5, name: '库管员' },
    region: null,
    must_change_password: false,
    password_policy: '',
    permissions,
    menus: permissions.includes('sys:audit')
      ? [{ code: 'sys', title: '系统管理', children: [{ code: 'sys:audit', title: '审计日志', path: '/system/audit' }] }]
      : [],
  }
}

beforeEach(() => {
  localStorage.clear()
  tokenStore.reload()
  setActivePinia(createPinia())
})

describe('permissions after token_revoked', () => {
  it('reloads /me after the renewal and leaves a page that is no longer allowed', async () => {
    // Before: the user holds 审计日志. The admin then takes it away, which revokes the user's token.
    let granted = true
    const { fetch, sent } = scriptedFetch((req) => {
      if (req.path === '/api/v1/auth/refresh') {
        return json(200, { access_token: 'A2', refresh_token: 'R2', token_type: 'Bearer', expires_in: 900, must_change_password: false })
      }
      if (req.headers.get('Authorization') === 'Bearer A1' && !granted) {
        return json(401, { code: 'token_revoked', message: '登录状态已失效（密码、账号状态或权限已变更），请重新登录' })
      }
      if (req.path === '/api/v1/me') return json(200, me(granted ? ['sys', 'sys:audit'] : []))
      return json(200, { items: [], total: 0, page: 1, page_size: 20 })
    })
    vi.stubGlobal('fetch', fetch)
    tokenStore.set({ access_token: 'A1', refresh_token: 'R1', expires_in: 900 })

    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/system/audit', name: 'audit', component: Dummy, meta: { permission: 'sys:audit' } }, ...routes],
    })
    installGuards(router)
    await router.push('/system/audit')
    const auth = useAuthStore()
    expect(router.currentRoute.value.name).toBe('audit')
    expect(auth.menus.map((m) => m.code)).toEqual(['sys'])

    granted = false
    await api.GET('/api/v1/audit-logs')
    await flush(10)

    const meCalls = sent.filter((s) => s.path === '/api/v1/me')
    expect(meCalls).toHaveLength(2)
    expect(meCalls[1]!.headers.get('Authorization')).toBe('Bearer A2')
    expect(auth.hasPermission('sys:audit')).toBe(false)
    expect(auth.menus).toEqual([])
    // The 403 page is loaded lazily; the navigation completes once its chunk is in.
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('forbidden'), { timeout: 5000 })
    expect(router.currentRoute.value.query.from).toBe('/system/audit')
    expect(tokenStore.get()?.access_token).toBe('A2')
  })

  it('keeps the page when the reloaded permissions still allow it', async () => {
    let version = 1
    const { fetch, sent } = scriptedFetch((req) => {
      if (req.path === '/api/v1/auth/refresh') {
        version = 2
        return json(200, { access_token: 'A2', refresh_token: 'R2', token_type: 'Bearer', expires_in: 900 })
      }
      if (req.headers.get('Authorization') === 'Bearer A1' && version === 2) return json(401, { code: 'token_revoked', message: 'x' })
      if (req.path === '/api/v1/me') return json(200, me(version === 1 ? ['sys', 'sys:audit'] : ['sys', 'sys:audit', 'sys:user']))
      if (req.headers.get('Authorization') === 'Bearer A1' && req.path === '/api/v1/audit-logs') {
        version = 2
        return json(401, { code: 'token_revoked', message: 'x' })
      }
      return json(200, { items: [], total: 0, page: 1, page_size: 20 })
    })
    vi.stubGlobal('fetch', fetch)
    tokenStore.set({ access_token: 'A1', refresh_token: 'R1', expires_in: 900 })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/system/audit', name: 'audit', component: Dummy, meta: { permission: 'sys:audit' } }, ...routes],
    })
    installGuards(router)
    await router.push('/system/audit')
    await api.GET('/api/v1/audit-logs')
    await flush(10)
    expect(sent.filter((s) => s.path === '/api/v1/me')).toHaveLength(2)
    expect(useAuthStore().hasPermission('sys:user')).toBe(true)
    expect(router.currentRoute.value.name).toBe('audit')
  })
})
