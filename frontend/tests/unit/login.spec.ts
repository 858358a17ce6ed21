import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import LoginView from '@/views/LoginView.vue'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import { json, scriptedFetch, type Handler } from './helpers'

const Dummy = { template: '<div />' }

async function mountLogin(handler: Handler, path = '/login') {
  const { fetch, sent } = scriptedFetch(handler)
  vi.stubGlobal('fetch', fetch)
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView },
      { path: '/', name: 'home', component: Dummy },
      { path: '/change-password', name: 'change-password', component: Dummy },
      { path: '/org/depts', name: 'depts', component: Dummy },
    ],
  })
  await router.push(path)
  const wrapper = mount(LoginView, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
  return { wrapper, router, sent }
}

async function fillAndSubmit(w: ReturnType<typeof mount>, username: string, password: string) {
  await w.get('input[name="username"]').setValue(username)
  await w.get('input[name="password"]').setValue(password)
  await w.get('form').trigger('submit')
  await flushPromises()
  // Element Plus shows a form item's error 100 ms after its state changes (a debounce).
  await new Promise((r) => setTimeout(r, 150))
  await flushPromises()
}

const okAnswer = { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900, must_change_password: false }

describe('LoginView', () => {
  beforeEach(() => {
    localStorage.clear()
    tokenStore.reload()
    document.body.innerHTML = ''
  })

  it('shows both tabs, the product title and the help text', async () => {
    const { wrapper } = await mountLogin(() => json(200, {}))
    const text = wrapper.text()
    expect(text).toContain('个人用户登录')
    expect(text).toContain('企业用户登录')
    expect(text).toContain('北京市安全生产事故隐患排查信息系统')
    expect(text).toContain('用户名填写企业名称，登录企业管理账号')
  })

  const modes: Array<{ tab: string | null; mode: string; help: string }> = [
    { tab: null, mode: 'personal', help: '登录岗位账号' },
    { tab: '企业用户登录', mode: 'enterprise', help: '企业名称前五个字首字母大写' },
  ]
  for (const m of modes) {
    it(`submits mode "${m.mode}"`, async () => {
      const { wrapper, sent, router } = await mountLogin(() => json(200, okAnswer))
      if (m.tab) {
        const tab = wrapper.findAll('.el-tabs__item').find((t) => t.text() === m.tab)
        await tab!.trigger('click')
      }
      expect(wrapper.text()).toContain(m.help)
      await fillAndSubmit(wrapper, '  北京示例化工有限公司 ', 'Secret#2024')
      const login = sent.find((s) => s.path === '/api/v1/auth/login')
      expect(login?.method).toBe('POST')
      expect(login?.body).toEqual({ mode: m.mode, username: '北京示例化工有限公司', password: 'Secret#2024' })
      expect(tokenStore.get()?.access_token).toBe('a')
      expect(router.currentRoute.value.name).toBe('home')
    })
  }

  it('shows the server\'s Chinese message when the password is wrong', async () => {
    const { wrapper } = await mountLogin(() => json(401, { code: 'invalid_credentials', message: '用户名或密码错误', details: {} }))
    await fillAndSubmit(wrapper, '某岗位', 'wrong')
    expect(wrapper.get('[data-test="login-error"]').text()).toContain('用户名或密码错误')
    expect(tokenStore.get()).toBeNull()
  })

  it('says a failure once: the alert, no toast besides it; a toast on screen is gone after a login', async () => {
    let fail = true
    const { wrapper, router } = await mountLogin(() =>
      fail ? json(401, { code: 'invalid_credentials', message: '用户名或密码错误', details: {} }) : json(200, okAnswer),
    )
    await fillAndSubmit(wrapper, '某岗位', 'wrong')
    expect(wrapper.findAll('[data-test="login-error"]')).toHaveLength(1)
    expect(document.querySelectorAll('.el-message').length).toBe(0)
    ElMessage({ type: 'error', message: '上一页的提示', duration: 0 })
    await flushPromises()
    expect(document.querySelectorAll('.el-message').length).toBe(1)
    fail = false
    await fillAndSubmit(wrapper, '某岗位', 'right')
    expect(router.currentRoute.value.name).toBe('home')
    await new Promise((r) => setTimeout(r, 400))
    expect(document.querySelectorAll('.el-message').length).toBe(0)
  })

  it('shows a lockout message as the server wrote it', async () => {
    const msg = '账号已锁定，请 14 分钟后再试'
    const { wrapper } = await mountLogin(() => json(423, { code: 'account_locked', message: msg, details: { retry_after_seconds: 840 } }))
    await fillAndSubmit(wrapper, '某岗位', 'wrong')
    expect(wrapper.get('[data-test="login-error"]').text()).toContain(msg)
  })

  it('puts validation errors next to their fields', async () => {
    const { wrapper } = await mountLogin(() =>
      json(400, {
        code: 'validation_failed',
        message: '提交的数据有误，请检查后重试',
        details: { fields: [{ field: 'username', message: '用户名不能超过 100 个字符' }] },
      }),
    )
    await fillAndSubmit(wrapper, 'x'.repeat(101), 'p')
    const item = wrapper.findAll('.el-form-item').find((i) => i.find('input[name="username"]').exists())
    expect(item!.text()).toContain('用户名不能超过 100 个字符')
  })

  it('says so when the server cannot be reached', async () => {
    const { wrapper } = await mountLogin(() => Promise.reject(new TypeError('Failed to fetch')))
    await fillAndSubmit(wrapper, '某岗位', 'pw')
    expect(wrapper.get('[data-test="login-error"]').text()).toContain('无法连接服务器')
  })

  it('does not call the server with empty fields', async () => {
    const { wrapper, sent } = await mountLogin(() => json(200, okAnswer))
    await fillAndSubmit(wrapper, '', '')
    expect(sent).toHaveLength(0)
    expect(wrapper.text()).toContain('请输入用户名')
  })

  it('goes to change-password when the answer says so', async () => {
    const { wrapper, router } = await mountLogin(() => json(200, { ...okAnswer, must_change_password: true }))
    await fillAndSubmit(wrapper, '北京示例化工有限公司', 'BJSLH100Y431234')
    expect(router.currentRoute.value.name).toBe('change-password')
  })

  it('returns to the page the user first asked for', async () => {
    const { wrapper, router } = await mountLogin(() => json(200, okAnswer), '/login?redirect=%2Forg%2Fdepts')
    await fillAndSubmit(wrapper, 'u', 'p')
    expect(router.currentRoute.value.fullPath).toBe('/org/depts')
  })
})
