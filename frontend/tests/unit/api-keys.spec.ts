// API密钥: the list shows prefixes and never a key, a new key is shown once and forgotten, the regulator's
// page calls the regulator's paths, a revocation asks first.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import APIKeysView from '@/views/system/APIKeysView.vue'
import { createBody, DEFAULT_RATE_LIMIT } from '@/views/system/apiKeys'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import { vPermission } from '@/directives/permission'
import { useAuthStore } from '@/stores/auth'
import type { Me, PermissionCode } from '@/api/types'
import type { APIKey } from '@/api/types/system'
import { json, scriptedFetch, type Handler } from './helpers'

vi.mock('@/utils/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

const SECRET = 'yqyb_k3j9x2ab_' + 'q'.repeat(52)
const scopes = [
  { name: 'stats:read', title: '统计数据（只读）', write: false, codes: ['hz:stats'] },
  { name: 'lists:read', title: '列表与详情（只读）', write: false, codes: ['org:post'] },
]
function key(id: number, over: Partial<APIKey> = {}): APIKey {
  return {
    id,
    name: `对接${id}`,
    prefix: `yqyb_prefix0${id}`,
    scopes: ['stats:read'],
    rate_limit: 600,
    expires_at: null,
    created_at: '2026-11-28T02:00:00Z',
    created_by: '北京朝阳示范商场有限公司',
    last_used_at: null,
    last_used_ip: '',
    revoked_at: null,
    status: 'active',
    ...over,
  }
}

function profile(kind: 'enterprise_admin' | 'regulator', permissions: PermissionCode[]): Me {
  return {
    user: { id: 5, login_name: 'x', display_name: 'x', kind },
    enterprise: null,
    region: null,
    post: null,
    password_policy: '',
    permissions,
    menus: [],
    must_change_password: false,
    setup_complete: true,
    in_use: true,
  } as Me
}

function server(base: string, keys: APIKey[], extra: Handler = () => json(404, { code: 'not_found', message: '请求的资源不存在' })) {
  return scriptedFetch((req) => {
    if (req.method === 'GET' && req.path === `${base}/api-keys`) return json(200, { items: keys, total: keys.length, page: 1, page_size: 100 })
    if (req.method === 'GET' && req.path === `${base}/api-key-scopes`) return json(200, { items: scopes })
    return extra(req)
  })
}

async function mountPage(scope: 'enterprise' | 'region', srv: ReturnType<typeof scriptedFetch>, permissions: PermissionCode[]) {
  vi.stubGlobal('fetch', srv.fetch)
  useAuthStore().profile = profile(scope === 'region' ? 'regulator' : 'enterprise_admin', permissions)
  const w = mount(APIKeysView, { props: { scope }, global: { plugins: [i18n], directives: { permission: vPermission }, stubs: { RouterLink: true } }, attachTo: document.body })
  await flushPromises()
  await new Promise((r) => setTimeout(r, 0))
  await flushPromises()
  return w
}

const q = (sel: string) => document.body.querySelector<HTMLElement>(sel)

beforeEach(() => {
  document.body.innerHTML = ''
  localStorage.clear()
  tokenStore.reload()
  tokenStore.set({ access_token: 'A', refresh_token: 'R', expires_in: 900 })
  setActivePinia(createPinia())
})

describe('createBody', () => {
  it('trims the name and leaves out the default limit and an empty expiry', () => {
    expect(createBody({ name: '  区平台 ', scopes: ['stats:read'], rateLimit: DEFAULT_RATE_LIMIT, expiresAt: '' })).toEqual({
      name: '区平台',
      scopes: ['stats:read'],
    })
  })
  it('sends a limit and an expiry that were set', () => {
    expect(createBody({ name: 'a', scopes: ['feed:read'], rateLimit: 60, expiresAt: '2026-12-31T23:59:59+08:00' })).toEqual({
      name: 'a',
      scopes: ['feed:read'],
      rate_limit: 60,
      expires_at: '2026-12-31T23:59:59+08:00',
    })
  })
})

describe('APIKeysView', () => {
  it('lists prefixes, scope titles and statuses, and no revoke button on a revoked key', async () => {
    const srv = server('/api/v1', [key(1, { last_used_at: '2026-11-28T02:30:00Z', last_used_ip: '198.51.100.7' }), key(2, { status: 'revoked' })])
    await mountPage('enterprise', srv, ['sys:apikey'])
    const text = q('[data-test="api-keys-table"]')!.textContent!
    expect(text).toContain('yqyb_prefix01')
    expect(text).toContain('统计数据（只读）')
    expect(text).toContain('198.51.100.7')
    expect(text).toContain('已吊销')
    expect(text).not.toContain('stats:read')
    expect(q('[data-test="api-key-revoke-1"]')).not.toBeNull()
    expect(q('[data-test="api-key-revoke-2"]')).toBeNull()
  })

  it('creates a key, shows it once, and forgets it when the dialog closes', async () => {
    const srv = server('/api/v1', [], (req) =>
      req.method === 'POST' && req.path === '/api/v1/api-keys' ? json(201, { api_key: key(3, { name: '区平台' }), key: SECRET }) : json(404, {}),
    )
    await mountPage('enterprise', srv, ['sys:apikey'])
    q('[data-test="api-key-create"]')!.click()
    await flushPromises()
    const name = q('[data-test="api-key-form-dialog"] input[name="api_key_name"]') as HTMLInputElement
    name.value = '区平台'
    name.dispatchEvent(new Event('input'))
    const box = q('[data-test="api-key-scope-stats:read"] input') as HTMLInputElement
    box.checked = true
    box.dispatchEvent(new Event('change'))
    await flushPromises()
    q('[data-test="api-key-form-submit"]')!.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
    await flushPromises()
    const posts = srv.sent.filter((s) => s.method === 'POST')
    expect(posts.map((s) => [s.path, s.body])).toEqual([['/api/v1/api-keys', { name: '区平台', scopes: ['stats:read'] }]])
    expect(q('[data-test="temp-password"]')!.textContent).toBe(SECRET)
    expect(q('[data-test="temp-password-dialog"]')!.textContent).toContain('只显示这一次')
    expect(q('[data-test="temp-password-dialog"]')!.textContent).not.toContain('登录名')
    expect(q('[data-test="api-keys-table"]')!.textContent).not.toContain(SECRET)
    q('[data-test="temp-password-close"]')!.click()
    await flushPromises()
    expect(document.body.textContent).not.toContain(SECRET)
  })

  it("manages the regulator's keys on the regulator's paths, and revokes after asking", async () => {
    const srv = server('/api/v1/regulator', [key(7)], (req) =>
      req.method === 'POST' && req.path === '/api/v1/regulator/api-keys/7/revoke' ? json(200, key(7, { status: 'revoked' })) : json(404, {}),
    )
    await mountPage('region', srv, ['reg:apikey'])
    q('[data-test="api-key-revoke-7"]')!.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
    await flushPromises()
    expect(srv.sent.some((s) => s.method === 'POST' && s.path === '/api/v1/regulator/api-keys/7/revoke')).toBe(true)
    expect(srv.sent.some((s) => s.path.startsWith('/api/v1/api-key'))).toBe(false)
  })

  it('hides the buttons from an account without the code', async () => {
    await mountPage('enterprise', server('/api/v1', [key(1)]), [])
    expect(q('[data-test="api-key-create"]')!.style.display).toBe('none')
    expect(q('[data-test="api-key-revoke-1"]')!.style.display).toBe('none')
  })
})
