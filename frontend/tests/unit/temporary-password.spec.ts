import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import TemporaryPasswordDialog from '@/components/TemporaryPasswordDialog.vue'
import { i18n } from '@/locales'

function open(hint: { mode: string; username: string } | null = null) {
  const visible = ref(false)
  const Host = defineComponent({
    setup: () => () =>
      h(TemporaryPasswordDialog, {
        modelValue: visible.value,
        'onUpdate:modelValue': (v: boolean) => (visible.value = v),
        loginName: '朝阳商场-库管员',
        password: 'Kp7#mQ2xRw9a',
        hint,
      }),
  })
  const w = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
  visible.value = true
  return { w, visible }
}

const q = (sel: string) => document.body.querySelector<HTMLElement>(sel)

beforeEach(() => {
  document.body.innerHTML = ''
})

describe('TemporaryPasswordDialog', () => {
  it('shows the password once with the login to use, and says it must be changed', async () => {
    open({ mode: '个人用户登录', username: '朝阳商场-库管员' })
    await flushPromises()
    expect(q('[data-test="temp-password"]')!.textContent).toBe('Kp7#mQ2xRw9a')
    expect(q('[data-test="temp-login-name"]')!.textContent).toBe('朝阳商场-库管员')
    const text = q('[data-test="temp-password-dialog"]')!.textContent!
    expect(text).toContain('只显示这一次')
    expect(text).toContain('个人用户登录')
    expect(text).toContain('下次登录时须先修改密码')
  })

  it('copies the password to the clipboard', async () => {
    const writeText = vi.fn(async () => undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    vi.stubGlobal('isSecureContext', true)
    open()
    await flushPromises()
    q('[data-test="temp-password-copy"]')!.click()
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('Kp7#mQ2xRw9a')
    expect(q('[data-test="temp-password-copy"]')!.textContent).toContain('已复制')
  })

  it('closes by its "我已记录" button', async () => {
    const { visible } = open()
    await flushPromises()
    expect(q('[data-test="temp-password-close"]')!.textContent).toContain('我已记录')
    q('[data-test="temp-password-close"]')!.click()
    await flushPromises()
    expect(visible.value).toBe(false)
  })
})
