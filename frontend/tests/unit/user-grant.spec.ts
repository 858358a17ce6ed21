// 授权 of a post user: loads its grants and roles, saves only what changed, names refused codes.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { ElSelect } from 'element-plus'
import UserGrantDialog from '@/views/system/UserGrantDialog.vue'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import { useAuthStore } from '@/stores/auth'
import type { Me, PermissionCode } from '@/api/types'
import type { User } from '@/api/types/system'
import { json, scriptedFetch, type Handler } from './helpers'
import { ALL_ENTERPRISE_CODES, enterpriseCatalog } from './fixtures'

const keeper = { id: 10, login_name: '朝阳商场-库管员' } as User
const roles = [
  { id: 1, name: '岗位人员', description: '', is_system: true, codes: [], user_count: 4, created_at: '', updated_at: '' },
  { id: 3, name: '安全员', description: '', is_system: false, codes: ['sys', 'sys:audit', 'sys:user'], user_count: 1, created_at: '', updated_at: '' },
]

function profile(permissions: PermissionCode[]): Me {
  return {
    user: { id: 5, login_name: '北京朝阳示范商场有限公司', display_name: '管理员', kind: 'enterprise_admin' },
    enterprise: { id: 1, name: '北京朝阳示范商场有限公司' },
    region: null,
    post: null,
    password_policy: '',
    permissions,
    menus: [],
    must_change_password: false,
    setup_complete: true,
    in_use: true,
  }
}

function server(extra: Handler = () => json(500, {})) {
  return scriptedFetch((req) => {
    if (req.method === 'GET' && req.path === '/api/v1/permissions') return json(200, { tree: enterpriseCatalog, held: ALL_ENTERPRISE_CODES })
    if (req.method === 'GET' && req.path === '/api/v1/users/10/grants') return json(200, { codes: [], role_ids: [1], effective: [] })
    if (req.method === 'GET' && req.path === '/api/v1/roles') return json(200, { items: roles, total: 2, page: 1, page_size: 100 })
    return extra(req)
  })
}

async function open(handler: ReturnType<typeof scriptedFetch>, permissions = ALL_ENTERPRISE_CODES) {
  vi.stubGlobal('fetch', handler.fetch)
  useAuthStore().profile = profile(permissions)
  const visible = ref(false)
  const Host = defineComponent({
    setup: () => () =>
      h(UserGrantDialog, { modelValue: visible.value, 'onUpdate:modelValue': (v: boolean) => (visible.value = v), user: keeper }),
  })
  const w = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
  visible.value = true
  await flushPromises()
  await new Promise((r) => setTimeout(r, 0))
  await flushPromises()
  return Object.assign(visible, { w })
}

const q = (sel: string) => document.body.querySelector<HTMLElement>(sel)

async function tick(key: string) {
  const input = q(`[data-test="user-grant-dialog"] .el-tree-node[data-key="${key}"] > .el-tree-node__content .el-checkbox__original`) as HTMLInputElement
  input.checked = !input.checked
  input.dispatchEvent(new Event('change'))
  await flushPromises()
}

async function save() {
  q('[data-test="user-grant-submit"]')!.click()
  await flushPromises()
}

beforeEach(() => {
  document.body.innerHTML = ''
  localStorage.clear()
  tokenStore.reload()
  tokenStore.set({ access_token: 'A', refresh_token: 'R', expires_in: 900 })
  setActivePinia(createPinia())
})

describe('UserGrantDialog', () => {
  it('saves the ticked codes with PUT /grants and leaves the roles alone when they did not change', async () => {
    const srv = server((req) => (req.method === 'PUT' ? json(200, { codes: ['sys', 'sys:audit'], role_ids: [1], effective: ['sys', 'sys:audit'] }) : json(404, {})))
    const visible = await open(srv)
    await tick('sys:audit')
    // The effective codes preview follows the ticks.
    expect(q('[data-test="user-effective"]')!.textContent).toContain('审计日志')
    await save()
    const puts = srv.sent.filter((s) => s.method === 'PUT')
    expect(puts.map((s) => [s.path, s.body])).toEqual([['/api/v1/users/10/grants', { codes: ['sys:audit'] }]])
    expect(visible.value).toBe(false)
  })

  it('saves a role change with PUT /roles only', async () => {
    const srv = server((req) => (req.method === 'PUT' ? json(200, { codes: [], role_ids: [1, 3], effective: ['sys', 'sys:audit', 'sys:user'] }) : json(404, {})))
    const { w } = await open(srv)
    // Add 安全员 to 岗位人员, as picking it in the select does.
    w.findComponent(ElSelect).vm.$emit('update:modelValue', [1, 3])
    await flushPromises()
    await save()
    const puts = srv.sent.filter((s) => s.method === 'PUT')
    expect(puts.map((s) => [s.path, s.body])).toEqual([['/api/v1/users/10/roles', { role_ids: [1, 3] }]])
  })

  it('names the codes a grant_exceeds_own refusal lists', async () => {
    const srv = server((req) =>
      req.method === 'PUT'
        ? json(403, { code: 'grant_exceeds_own', message: '只能授予或收回自己拥有的权限', details: { codes: ['sys:role:delete'] } })
        : json(404, {}),
    )
    const visible = await open(srv)
    await tick('sys:audit')
    await save()
    // Toasts load with the first one (utils/notify.ts); an earlier test's may still be on screen.
    const refusal = () =>
      [...document.body.querySelectorAll('.el-message')].map((m) => m.textContent ?? '').find((m) => m.includes('只能授予或收回自己拥有的权限'))
    await vi.waitFor(() => expect(refusal()).toBeTruthy())
    const msg = refusal() ?? ''
    expect(msg).toContain('删除角色')
    expect(visible.value).toBe(true)
  })

  it('without 角色管理 it does not load or change roles', async () => {
    const srv = server((req) => (req.method === 'PUT' ? json(200, { codes: ['sys', 'sys:audit'], role_ids: [1], effective: [] }) : json(404, {})))
    await open(srv, ['sys', 'sys:user', 'sys:user:grant', 'sys:audit'])
    expect(srv.sent.some((s) => s.path === '/api/v1/roles')).toBe(false)
    expect(document.body.querySelector('[data-test="user-roles"]')).toBeNull()
    expect(q('[data-test="user-grant-dialog"]')!.textContent).toContain('该用户属于 1 个角色')
    await tick('sys:audit')
    await save()
    expect(srv.sent.filter((s) => s.method === 'PUT').map((s) => s.path)).toEqual(['/api/v1/users/10/grants'])
  })
})
