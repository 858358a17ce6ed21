// The 新建 / 修改 dialog of 用户管理: the suggested login name, and the server's errors next to the fields.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { ElSelect } from 'element-plus'
import UserFormDialog from '@/views/system/UserFormDialog.vue'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import type { PostChoice } from '@/api/types/enterprise'
import type { User } from '@/api/types/system'
import { json, scriptedFetch, type Handler } from './helpers'

const posts: PostChoice[] = [
  { id: 1, name: '安全员', department_id: 1, department_name: '安全管理部', status: 'active' },
  { id: 4, name: '叉车司机', department_id: 3, department_name: '仓储部', status: 'active' },
  { id: 5, name: '库管员', department_id: 3, department_name: '仓储部', status: 'active' },
  { id: 7, name: '保洁员', department_id: 3, department_name: '仓储部', status: 'disabled' },
]

const existing: User = {
  id: 10,
  kind: 'post_user',
  login_name: '朝阳商场-库管员',
  display_name: '孙丽',
  phone: '13700000004',
  status: 'active',
  must_change_password: false,
  post_id: 5,
  post_name: '库管员',
  department_name: '仓储部',
  region_id: null,
  region_name: '',
  last_login_at: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
}

async function open(handler: Handler, user: User | null = null) {
  const { fetch, sent } = scriptedFetch(handler)
  vi.stubGlobal('fetch', fetch)
  const visible = ref(true)
  const created = vi.fn()
  const Host = defineComponent({
    setup: () => () =>
      h(UserFormDialog, {
        modelValue: visible.value,
        'onUpdate:modelValue': (v: boolean) => (visible.value = v),
        user,
        posts,
        enterpriseName: '北京朝阳示范商场有限公司',
        onCreated: created,
      }),
  })
  // The dialog opens on a change of modelValue; mount closed, then open it.
  visible.value = false
  const w = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
  visible.value = true
  await flushPromises()
  return { w, sent, visible, created }
}

function input(name: string) {
  return document.body.querySelector<HTMLInputElement>(`[data-test="user-form-dialog"] input[name="${name}"]`)
}

async function typeInto(name: string, value: string) {
  const el = input(name)!
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}

async function pickPost(w: ReturnType<typeof mount>, id: number) {
  const select = w.findComponent(ElSelect)
  select.vm.$emit('update:modelValue', id)
  select.vm.$emit('change', id)
  await flushPromises()
}

async function submit() {
  document.body.querySelector<HTMLButtonElement>('[data-test="user-form-submit"]')!.click()
  await flushPromises()
  // Element Plus shows a form item's error after a short debounce.
  await new Promise((r) => setTimeout(r, 150))
  await flushPromises()
}

/** The error text under the form item that holds input[name]. */
function errorOf(name: string): string {
  const item = input(name)?.closest('.el-form-item')
  return item?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''
}

const noUsers = () => json(200, { items: [], total: 0, page: 1, page_size: 100 })

beforeEach(() => {
  document.body.innerHTML = ''
  localStorage.clear()
  tokenStore.reload()
  tokenStore.set({ access_token: 'A', refresh_token: 'R', expires_in: 900 })
  setActivePinia(createPinia())
})

describe('UserFormDialog', () => {
  it('explains the login-name rule under the field', async () => {
    await open(noUsers)
    const help = document.body.querySelector('[data-test="login-name-help"]')!.textContent!
    expect(help).toContain('全系统唯一')
    expect(help).toContain('不能与任何企业名称相同')
    expect(help).toContain('企业管理账号')
  })

  it('suggests "<企业简称>-<岗位名>" when a post is picked and the name is empty, and follows the post until typed over', async () => {
    const { w } = await open(noUsers)
    await pickPost(w, 5)
    expect(input('login_name')!.value).toBe('朝阳商场-库管员')
    await pickPost(w, 4)
    expect(input('login_name')!.value).toBe('朝阳商场-叉车司机')
    await typeInto('login_name', '仓库-老孙')
    await pickPost(w, 5)
    expect(input('login_name')!.value).toBe('仓库-老孙')
  })

  it('reuses the short name the enterprise already uses', async () => {
    const { w } = await open((req) =>
      req.path === '/api/v1/users'
        ? json(200, { items: [{ ...existing, login_name: '示范商场-安全员' }, { ...existing, id: 11, login_name: '示范商场-电工' }], total: 2, page: 1, page_size: 100 })
        : noUsers(),
    )
    await pickPost(w, 4)
    expect(input('login_name')!.value).toBe('示范商场-叉车司机')
  })

  it('creates the user and hands over the temporary password', async () => {
    const { w, sent, created, visible } = await open((req) =>
      req.method === 'POST'
        ? json(201, { user: { ...existing, id: 12, login_name: '朝阳商场-叉车司机' }, temporary_password: 'Kp7#mQ2xRw9a' })
        : noUsers(),
    )
    await pickPost(w, 4)
    await typeInto('display_name', ' 赵磊 ')
    await typeInto('phone', '13700000003')
    await submit()
    const post = sent.find((s) => s.method === 'POST')
    expect(post?.body).toEqual({ login_name: '朝阳商场-叉车司机', display_name: '赵磊', phone: '13700000003', post_id: 4 })
    expect(created).toHaveBeenCalledWith(expect.objectContaining({ login_name: '朝阳商场-叉车司机' }), 'Kp7#mQ2xRw9a')
    expect(visible.value).toBe(false)
  })

  const serverErrors: Array<{ name: string; answer: () => Response; field: string; message: string }> = [
    {
      name: 'validation_failed field errors',
      answer: () =>
        json(400, {
          code: 'validation_failed',
          message: '提交的数据有误，请检查后重试',
          details: { fields: [{ field: 'phone', message: '手机号：手机号码格式不正确，应为11位大陆手机号（可带+86）' }] },
        }),
      field: 'phone',
      message: '手机号：手机号码格式不正确，应为11位大陆手机号（可带+86）',
    },
    {
      name: 'login_name_taken',
      answer: () => json(409, { code: 'login_name_taken', message: '登录名已被使用（与已有岗位账号、企业名称或监管账号重名），请换一个' }),
      field: 'login_name',
      message: '登录名已被使用（与已有岗位账号、企业名称或监管账号重名），请换一个',
    },
  ]
  for (const c of serverErrors) {
    it(`shows ${c.name} next to the field`, async () => {
      const { w, visible } = await open((req) => (req.method === 'POST' ? c.answer() : noUsers()))
      await pickPost(w, 5)
      await typeInto('display_name', '孙丽')
      await submit()
      expect(errorOf(c.field)).toBe(c.message)
      expect(visible.value).toBe(true)
    })
  }

  it('edits without changing the login name, which is read-only', async () => {
    const { sent } = await open((req) => (req.method === 'PUT' ? json(200, existing) : noUsers()), existing)
    expect(input('login_name')).toBeNull()
    expect(document.body.querySelector('[data-test="user-login-name-readonly"]')!.textContent).toBe('朝阳商场-库管员')
    await typeInto('display_name', '孙丽丽')
    await submit()
    const put = sent.find((s) => s.method === 'PUT')
    expect(put?.path).toBe('/api/v1/users/10')
    expect(put?.body).toMatchObject({ display_name: '孙丽丽', post_id: 5 })
  })
})
