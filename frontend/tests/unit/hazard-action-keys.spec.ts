// The hazard steps (登记, 交办, 提交整改, 验收, 退回) carry an Idempotency-Key: one per user action, the same
// on the retry of that action after it did not complete (a lost answer, a 5xx), a new one for a changed body
// and for the next action after a success.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { defineComponent, h, nextTick, ref } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import type { HazardDetail } from '@/api/types/hazard'
import { ActionKey } from '@/offline/actionKey'
import EvidenceDialog from '@/views/hazard/EvidenceDialog.vue'
import { json, scriptedFetch } from './helpers'

describe('ActionKey', () => {
  it('reuses the key for the same route and body until reset, and makes a new one for a changed body', () => {
    let n = 0
    const k = new ActionKey(() => `k${++n}`)
    expect(k.for('fix/1', { note: 'a' })).toBe('k1')
    expect(k.for('fix/1', { note: 'a' })).toBe('k1')
    expect(k.for('fix/1', { note: 'b' })).toBe('k2')
    expect(k.for('fix/2', { note: 'b' })).toBe('k3')
    k.reset()
    expect(k.for('fix/2', { note: 'b' })).toBe('k4')
  })

  it('makes real keys the server accepts (1–100 of letters, digits, - _ . :)', () => {
    const key = new ActionKey().for('report', {})
    expect(key).toMatch(/^[A-Za-z0-9_.:-]{1,100}$/)
  })
})

const hazard = { id: 42, code: 'YH-1', status: 'pending_acceptance', subject: '叉车右前轮胎面磨损' } as unknown as HazardDetail

async function dialog() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const visible = ref(false)
  const done = vi.fn()
  const Host = defineComponent({
    setup: () => () =>
      h(EvidenceDialog, { modelValue: visible.value, 'onUpdate:modelValue': (v: boolean) => (visible.value = v), hazard, step: 'reject', onDone: done }),
  })
  // The dialog opens on a change of modelValue: mount closed, then open it.
  const w = mount(Host, { global: { plugins: [pinia, i18n] }, attachTo: document.body })
  visible.value = true
  await flushPromises()
  return { w, visible, done }
}

async function send(note: string) {
  const area = document.querySelector<HTMLTextAreaElement>('textarea[data-test="evidence-note"], [data-test="evidence-note"] textarea')!
  area.value = note
  area.dispatchEvent(new Event('input'))
  await flushPromises()
  document.querySelector<HTMLButtonElement>('[data-test="evidence-submit"]')!.click()
  await flushPromises()
}

beforeEach(() => {
  document.body.innerHTML = ''
  localStorage.clear()
  tokenStore.reload()
  tokenStore.set({ access_token: 'ACCESS-1', refresh_token: 'R', expires_in: 900 })
})

describe('EvidenceDialog (退回)', () => {
  it('sends the same key when the user retries after the answer was lost, a new one for the next action', async () => {
    let calls = 0
    const { fetch, sent } = scriptedFetch(() => {
      calls++
      if (calls === 1) throw new TypeError('Failed to fetch') // the request may have reached the server; its answer did not come back
      return json(200, { ...hazard, status: 'rectifying' })
    })
    vi.stubGlobal('fetch', fetch)
    const { w, visible, done } = await dialog()
    await send('整改不到位，轮胎未更换')
    expect(visible.value).toBe(true) // the failure keeps the dialog open
    await send('整改不到位，轮胎未更换') // the user presses 退回 again
    const posts = sent.filter((s) => s.method === 'POST')
    expect(posts.map((s) => s.path)).toEqual(['/api/v1/hazards/42/reject', '/api/v1/hazards/42/reject'])
    const first = posts[0]!.headers.get('Idempotency-Key')
    expect(first).toBeTruthy()
    expect(posts[1]!.headers.get('Idempotency-Key')).toBe(first)
    expect(done).toHaveBeenCalledTimes(1)
    expect(visible.value).toBe(false)

    // A later, separate 退回 of the same hazard (it came back for acceptance again) is a new action.
    visible.value = true
    await nextTick()
    await flushPromises()
    await send('整改不到位，轮胎未更换')
    const third = sent.filter((s) => s.method === 'POST')[2]!
    expect(third.headers.get('Idempotency-Key')).toBeTruthy()
    expect(third.headers.get('Idempotency-Key')).not.toBe(first)
    w.unmount()
  })

  it('a changed note after a failure is another action with another key', async () => {
    const { fetch, sent } = scriptedFetch(() => json(503, { code: 'unavailable', message: '服务暂不可用' }))
    vi.stubGlobal('fetch', fetch)
    const { w } = await dialog()
    await send('整改不到位')
    await send('整改不到位，轮胎未更换')
    const posts = sent.filter((s) => s.method === 'POST')
    expect(posts).toHaveLength(2)
    expect(posts[1]!.headers.get('Idempotency-Key')).not.toBe(posts[0]!.headers.get('Idempotency-Key'))
    w.unmount()
  })
})
