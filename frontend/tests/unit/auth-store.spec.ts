import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { tokenStore } from '@/api/tokens'
import { i18n } from '@/locales'
import ChangePasswordView from '@/views/ChangePasswordView.vue'
import { json, scriptedFetch, type Handler } from './helpers'

const me = (mustChange: boolean) => ({
  user: { id: 9, login_name: '朝阳商场-保安岗', display_name: '保安岗', kind: 'post_user' },
  enterprise: { id: 1, name: '北京朝阳示范商场有限公司' },
  post: { id: 4, name: '保安岗' },
  region: null,
  must_change_password: mustChange,
  password_policy: '密码长度8至64位，至少包含大写字母、小写字母、数字、符号中的三类',
  permissions: mustChange ? [] : ['hz:inspect'],
  menus: [],
})

function serve(handler: Handler) {
  const f = scriptedFetch(handler)
  vi.stubGlobal('fetch', f.fetch)
  return f
}

beforeEach(() => {
  localStorage.clear()
  tokenStore.reload()
  setActivePinia(createPinia())
})

describe('auth store', () => {
  it('login asks for the refresh cookie and keeps no token in localStorage', async () => {
    const { sent } = serve(() => json(200, { access_token: 'A1', token_type: 'Bearer', expires_in: 900, must_change_password: true }))
    const auth = useAuthStore()
    await auth.login('enterprise', '91350100M000100Y43', 'x')
    expect(sent[0]?.headers.get('X-Refresh-Cookie')).toBe('1')
    expect(auth.isLoggedIn).toBe(true)
    expect(auth.mustChangePassword).toBe(true)
    expect(tokenStore.get()?.access_token).toBe('A1')
    // Only a marker without secrets: that a session is open, and that the password must be changed.
    const stored = Object.keys(localStorage).map((k) => localStorage.getItem(k)).join(' ')
    expect(stored).not.toContain('A1')
    expect(JSON.parse(localStorage.getItem('yqyb.session')!)).toMatchObject({ must_change_password: true })
  })

  it('after a reload the session is known from the marker and the first call refreshes through the cookie', async () => {
    localStorage.setItem('yqyb.session', JSON.stringify({ id: 's1', must_change_password: false }))
    tokenStore.reload()
    setActivePinia(createPinia())
    const { sent } = serve((req) =>
      req.path === '/api/v1/auth/refresh' ? json(200, { access_token: 'A9', token_type: 'Bearer', expires_in: 900 }) : json(200, me(false)),
    )
    const auth = useAuthStore()
    expect(auth.isLoggedIn).toBe(true)
    await auth.loadProfile()
    expect(sent.map((s) => s.path)).toEqual(['/api/v1/auth/refresh', '/api/v1/me'])
    expect(sent[0]?.headers.get('X-Refresh-Cookie')).toBe('1')
    expect(sent[0]?.body).toEqual({})
    expect(sent[1]?.headers.get('Authorization')).toBe('Bearer A9')
  })

  it('an answer without tokens is an error, not a session', async () => {
    serve(() => json(200, { token_type: 'Bearer' }))
    const auth = useAuthStore()
    await expect(auth.login('personal', 'u', 'p')).rejects.toMatchObject({ code: 'bad_response' })
    expect(auth.isLoggedIn).toBe(false)
  })

  it('changePassword takes the reissued access token, keeps the refresh token, reloads /me', async () => {
    tokenStore.set({ access_token: 'A1', refresh_token: 'R1', expires_in: 900, must_change_password: true })
    let changed = false
    const { sent } = serve((req) => {
      if (req.path === '/api/v1/me/password') {
        changed = true
        return json(200, { access_token: 'A2', token_type: 'Bearer', expires_in: 900, must_change_password: false })
      }
      return json(200, me(!changed))
    })
    const auth = useAuthStore()
    await auth.loadProfile()
    expect(auth.mustChangePassword).toBe(true)
    await auth.changePassword('Init#123456', 'New#Pass2024')
    expect(tokenStore.get()).toMatchObject({ access_token: 'A2', must_change_password: false })
    expect(JSON.parse(localStorage.getItem('yqyb.session')!)).toMatchObject({ must_change_password: false })
    expect(auth.mustChangePassword).toBe(false)
    expect(auth.hasPermission('hz:inspect')).toBe(true)
    expect(sent[sent.length - 1]?.headers.get('Authorization')).toBe('Bearer A2')
  })

  it('logout forgets the session even when the server cannot be reached', async () => {
    tokenStore.set({ access_token: 'A1', refresh_token: 'R1', expires_in: 900 })
    const { sent } = serve(() => Promise.reject(new TypeError('offline')))
    const auth = useAuthStore()
    await auth.logout()
    expect(sent[0]?.path).toBe('/api/v1/auth/logout')
    expect(sent[0]?.headers.get('X-Refresh-Cookie')).toBe('1')
    expect(sent[0]?.body).toEqual({})
    expect(auth.isLoggedIn).toBe(false)
    expect(localStorage.getItem('yqyb.session')).toBeNull()
  })
})

describe('ChangePasswordView', () => {
  async function mountView(handler: Handler) {
    serve(handler)
    tokenStore.set({ access_token: 'A1', refresh_token: 'R1', expires_in: 900, must_change_password: true })
    const pinia = createPinia()
    setActivePinia(pinia)
    await useAuthStore().loadProfile()
    const Dummy = { template: '<div />' }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/change-password', name: 'change-password', component: ChangePasswordView },
        { path: '/', name: 'home', component: Dummy },
        { path: '/today', name: 'today', component: Dummy },
        { path: '/login', name: 'login', component: Dummy },
      ],
    })
    await router.push('/change-password')
    const wrapper = mount(ChangePasswordView, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
    return { wrapper, router }
  }

  async function submit(w: ReturnType<typeof mount>, old: string, next: string) {
    await w.get('input[name="old_password"]').setValue(old)
    await w.get('input[name="new_password"]').setValue(next)
    await w.get('input[name="confirm_password"]').setValue(next)
    await w.get('form').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150)) // Element Plus's error debounce
    await flushPromises()
  }

  it('explains why it is forced and shows the server\'s policy', async () => {
    const { wrapper } = await mountView(() => json(200, me(true)))
    expect(wrapper.get('[data-test="forced-notice"]').text()).toContain('请先修改密码')
    expect(wrapper.get('[data-test="password-policy"]').text()).toContain('密码长度8至64位')
    expect(wrapper.find('[data-test="password-logout"]').exists()).toBe(true)
  })

  it('does not send a password the policy refuses', async () => {
    const { wrapper } = await mountView(() => json(200, me(true)))
    const before = (globalThis.fetch as unknown as { mock: { calls: unknown[] } }).mock.calls.length
    await submit(wrapper, 'Init#123456', 'abcdefgh')
    expect((globalThis.fetch as unknown as { mock: { calls: unknown[] } }).mock.calls.length).toBe(before)
    expect(wrapper.text()).toContain('新密码不符合密码要求')
  })

  it('shows wrong_password next to the old password and the broken rules of weak_password', async () => {
    let answer = { code: 'wrong_password', message: '原密码不正确' } as object
    const { wrapper } = await mountView((req) => (req.path === '/api/v1/me/password' ? json(400, answer) : json(200, me(true))))
    await submit(wrapper, 'bad-old', 'New#Pass2024')
    const oldItem = wrapper.findAll('.el-form-item').find((i) => i.find('input[name="old_password"]').exists())
    expect(oldItem!.text()).toContain('原密码不正确')

    answer = { code: 'weak_password', message: '新密码不符合密码规则', details: { rules: ['不能使用初始密码或当前密码'] } }
    await submit(wrapper, 'Init#123456', 'Init#123457')
    expect(wrapper.get('[data-test="password-policy"]').text()).toContain('不能使用初始密码或当前密码')
  })

  it('lands a post user on 今日排查 after a forced change, as after any login', async () => {
    let changed = false
    const { wrapper, router } = await mountView((req) => {
      if (req.path === '/api/v1/me/password') {
        changed = true
        return json(200, { access_token: 'A2', expires_in: 900, must_change_password: false })
      }
      return json(200, me(!changed))
    })
    await submit(wrapper, 'Init#123456', 'New#Pass2024')
    expect(router.currentRoute.value.name).toBe('today')
    expect(useAuthStore().mustChangePassword).toBe(false)
  })
})
