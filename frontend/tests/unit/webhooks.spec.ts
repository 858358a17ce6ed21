// 事件推送: the page lists endpoints with an automatic disable's reason, registers one and shows its secret
// once (gone from the page when the dialog closes), opens the delivery log and redelivers; the regulator's
// page talks to the regulator's routes only.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import WebhooksView from '@/views/system/WebhooksView.vue'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import type { WebhookDelivery, WebhookEndpoint } from '@/api/types/system'
import { json, scriptedFetch } from './helpers'

vi.mock('@/utils/confirm', () => ({ confirmAction: vi.fn(async () => true) }))

const failing: WebhookEndpoint = {
  id: 3,
  url: 'https://ehs.example.com/hook',
  event_types: ['hazard.register', 'hazard.accept'],
  description: '集团 EHS',
  enabled: false,
  disabled_reason: '自 2026-12-06 10:00:00 起连续 12 次推送失败，系统已自动停用该推送地址',
  disabled_at: '2026-12-07T02:00:00Z',
  feed_cursor: 1042,
  consecutive_failures: 12,
  created_at: '2026-12-01T00:00:00Z',
}

const delivery: WebhookDelivery = {
  id: 77,
  event_id: 1042,
  action: 'hazard.register',
  manual: false,
  status: 'failed',
  attempts: 12,
  response_code: 503,
  last_error: '接收方返回 HTTP 503',
  created_at: '2026-12-06T02:00:00Z',
  last_attempt_at: '2026-12-07T02:00:00Z',
  next_attempt_at: null,
  delivered_at: null,
}

const SECRET = 'whsec_Only-Shown-Once-1234567890'

beforeEach(() => {
  document.body.innerHTML = ''
  localStorage.clear()
  tokenStore.reload()
  tokenStore.set({ access_token: 'ACCESS-1', refresh_token: 'R', expires_in: 900 })
  setActivePinia(createPinia())
})

function serve() {
  const endpoints = [failing]
  return scriptedFetch((req) => {
    const base = '/api/v1/regulator/webhooks'
    if (req.method === 'GET' && req.path === base) return json(200, endpoints)
    if (req.method === 'POST' && req.path === base) {
      const ep = { ...failing, id: 4, url: (req.body as { url: string }).url, enabled: true, disabled_reason: '', consecutive_failures: 0 }
      endpoints.push(ep)
      return json(201, { ...ep, secret: SECRET })
    }
    if (req.method === 'GET' && req.path === `${base}/3/deliveries`) return json(200, [delivery])
    if (req.method === 'POST' && req.path === `${base}/3/deliveries/77/redeliver`) return json(202, { ...delivery, id: 78, manual: true, status: 'pending', attempts: 0 })
    if (req.method === 'GET' && req.path === '/api/v1/meta') return json(200, {})
    return json(404, { code: 'not_found', message: '不存在' })
  })
}

const q = (sel: string) => document.body.querySelector<HTMLElement>(sel)
const qa = (sel: string) => Array.from(document.body.querySelectorAll<HTMLElement>(sel))

describe('WebhooksView', () => {
  it('shows an automatically disabled endpoint with its reason, on the regulator routes only', async () => {
    const { fetch, sent } = serve()
    vi.stubGlobal('fetch', fetch)
    mount(WebhooksView, { props: { scope: 'region' }, global: { plugins: [i18n], stubs: { RouterLink: true } }, attachTo: document.body })
    await flushPromises()
    expect(q('[data-test="webhook-url"]')!.textContent).toBe('https://ehs.example.com/hook')
    expect(q('[data-test="webhook-status"]')!.textContent).toContain('已自动停用')
    expect(q('[data-test="webhook-disabled-reason"]')!.textContent).toContain('连续 12 次推送失败')
    expect(q('[data-test="webhook-table"]')!.textContent).toContain('隐患登记')
    expect(q('[data-test="webhook-enable"]')).not.toBeNull()
    expect(sent.some((s) => s.path.startsWith('/api/v1/webhooks'))).toBe(false)
  })

  it('registers an endpoint and shows the secret once', async () => {
    const { fetch, sent } = serve()
    vi.stubGlobal('fetch', fetch)
    mount(WebhooksView, { props: { scope: 'region' }, global: { plugins: [i18n], stubs: { RouterLink: true } }, attachTo: document.body })
    await flushPromises()
    q('[data-test="webhook-create"]')!.click()
    await flushPromises()
    const input = q('input[data-test="webhook-url-input"]') as HTMLInputElement
    input.value = 'https://district.example.gov.cn/yqyb'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    q('[data-test="webhook-submit"]')!.click()
    await flushPromises()
    const post = sent.find((s) => s.method === 'POST')!
    expect(post.path).toBe('/api/v1/regulator/webhooks')
    expect(post.body).toEqual({ url: 'https://district.example.gov.cn/yqyb', event_types: ['inspection.submitted', 'hazard.register'] })
    expect(q('[data-test="webhook-secret"]')!.textContent).toBe(SECRET)
    expect(q('[data-test="webhook-secret-dialog"]')!.textContent).toContain('只显示这一次')
    q('[data-test="webhook-secret-close"]')!.click()
    await flushPromises()
    expect(document.body.innerHTML).not.toContain(SECRET)
    expect(qa('[data-test="webhook-url"]').map((e) => e.textContent)).toContain('https://district.example.gov.cn/yqyb')
  })

  it('opens the delivery log and redelivers an event', async () => {
    const { fetch, sent } = serve()
    vi.stubGlobal('fetch', fetch)
    mount(WebhooksView, { props: { scope: 'region' }, global: { plugins: [i18n], stubs: { RouterLink: true } }, attachTo: document.body })
    await flushPromises()
    q('[data-test="webhook-log"]')!.click()
    await flushPromises()
    const log = q('[data-test="webhook-deliveries"]')!.textContent!
    expect(q('[data-test="delivery-status"]')!.textContent).toContain('已放弃')
    expect(log).toContain('503')
    expect(log).toContain('1042')
    q('[data-test="delivery-redeliver"]')!.click()
    await flushPromises()
    expect(sent.some((s) => s.method === 'POST' && s.path === '/api/v1/regulator/webhooks/3/deliveries/77/redeliver')).toBe(true)
  })
})
