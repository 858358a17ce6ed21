// Login guide §2: an enterprise admin whose setup is incomplete lands on 初始化 after login; once setup is
// complete, and for everyone else, 首页. A page asked for (?redirect=) still wins.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import LoginView from '@/views/LoginView.vue'
import ChangePasswordView from '@/views/ChangePasswordView.vue'
import { landingPath } from '@/router/guard'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import { json, scriptedFetch, type Handler } from './helpers'

const Dummy = { template: '<div />' }
const has = (codes: string[]) => (c: string) => codes.includes(c)

describe('landingPath', () => {
  const cases: Array<{ name: string; setup: boolean | null | undefined; codes: string[]; want: string; kind?: string }> = [
    { name: 'post user → 今日排查', setup: null, codes: ['hz:inspect', 'hz:ledger'], kind: 'post_user', want: '/today' },
    { name: 'post user without 隐患排查 → 首页', setup: null, codes: ['hz:ledger'], kind: 'post_user', want: '/' },
    { name: 'enterprise user with 隐患排查 → 首页', setup: null, codes: ['hz:inspect'], kind: 'enterprise_user', want: '/' },
    { name: 'admin, setup incomplete → 初始化', setup: false, codes: ['setup', 'org:dept'], want: '/setup' },
    { name: 'admin, setup complete → 首页', setup: true, codes: ['setup'], want: '/' },
    { name: 'regulator (no setup state) → 首页', setup: null, codes: ['reg:enterprise'], want: '/' },
    { name: 'unknown state → 首页', setup: undefined, codes: ['setup'], want: '/' },
    { name: 'incomplete but no 初始化 page for this account → 首页', setup: false, codes: ['hz:inspect'], want: '/' },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(landingPath({ setupComplete: c.setup, hasPermission: has(c.codes), kind: c.kind })).toBe(c.want)
    })
  }
})

const tokens = { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900 }
const me = (setupComplete: boolean | null, mustChange = false) => ({
  user: { id: 2, login_name: '北京望京新材料有限公司', display_name: '北京望京新材料有限公司管理员', kind: 'enterprise_admin' },
  enterprise: { id: 5, name: '北京望京新材料有限公司' },
  post: null,
  region: null,
  must_change_password: mustChange,
  setup_complete: setupComplete,
  password_policy: '',
  permissions: ['ent', 'setup', 'sys', 'org:dept'],
  menus: [],
})

function makeRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView },
      { path: '/', name: 'home', component: Dummy },
      { path: '/setup', name: 'setup', component: Dummy },
      { path: '/change-password', name: 'change-password', component: ChangePasswordView },
      { path: '/system/users', name: 'users', component: Dummy },
    ],
  })
}

async function login(handler: Handler, path = '/login') {
  const { fetch, sent } = scriptedFetch(handler)
  vi.stubGlobal('fetch', fetch)
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = makeRouter()
  await router.push(path)
  const w = mount(LoginView, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
  await w.get('input[name="username"]').setValue('北京望京新材料有限公司')
  await w.get('input[name="password"]').setValue('Secret#2026x')
  await w.get('form').trigger('submit')
  await flushPromises()
  await new Promise((r) => setTimeout(r, 20))
  await flushPromises()
  return { router, sent }
}

describe('post-login landing', () => {
  beforeEach(() => {
    localStorage.clear()
    tokenStore.reload()
    document.body.innerHTML = ''
  })

  it('lands on /setup while the enterprise is not set up', async () => {
    const { router, sent } = await login((req) => (req.path.endsWith('/auth/login') ? json(200, { ...tokens, must_change_password: false }) : json(200, me(false))))
    expect(router.currentRoute.value.path).toBe('/setup')
    expect(sent.map((s) => s.path)).toEqual(['/api/v1/auth/login', '/api/v1/me'])
  })

  it('lands on 首页 once setup is complete', async () => {
    const { router } = await login((req) => (req.path.endsWith('/auth/login') ? json(200, tokens) : json(200, me(true))))
    expect(router.currentRoute.value.path).toBe('/')
  })

  it('lands on 首页 when /me cannot be read', async () => {
    const { router } = await login((req) => (req.path.endsWith('/auth/login') ? json(200, tokens) : json(503, { code: 'unavailable', message: '服务不可用' })))
    expect(router.currentRoute.value.path).toBe('/')
  })

  it('goes to the page asked for, whatever the setup state', async () => {
    const { router } = await login(
      (req) => (req.path.endsWith('/auth/login') ? json(200, tokens) : json(200, me(false))),
      '/login?redirect=%2Fsystem%2Fusers',
    )
    expect(router.currentRoute.value.fullPath).toBe('/system/users')
  })

  it('after the forced password change of a first login, lands on /setup', async () => {
    let changed = false
    const handler: Handler = (req) => {
      if (req.path.endsWith('/auth/login')) return json(200, { ...tokens, must_change_password: true })
      if (req.path.endsWith('/me/password')) {
        changed = true
        return json(200, { access_token: 'a2', token_type: 'Bearer', expires_in: 900, must_change_password: false })
      }
      return json(200, me(false, !changed))
    }
    const { router } = await login(handler)
    expect(router.currentRoute.value.path).toBe('/change-password')
    const w = mount(ChangePasswordView, { global: { plugins: [router, i18n] }, attachTo: document.body })
    await flushPromises()
    await w.get('input[name="old_password"]').setValue('Secret#2026x')
    await w.get('input[name="new_password"]').setValue('Wangjing#2026')
    await w.get('input[name="confirm_password"]').setValue('Wangjing#2026')
    await w.get('form').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 20))
    await flushPromises()
    expect(changed).toBe(true)
    expect(router.currentRoute.value.path).toBe('/setup')
  })
})
