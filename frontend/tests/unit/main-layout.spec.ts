// The signed-in frame on a phone and on a desk: below 768 px the menu is an overlay drawer that the header's
// button opens, any navigation closes and nothing remembers; on a desk it folds into a remembered icon rail.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import MainLayout from '@/layouts/MainLayout.vue'
import { i18n } from '@/locales'

const Page = { template: '<p class="page">page</p>' }
const COLLAPSE_KEY = 'yqyb.menuCollapsed'
// Each test mounts the whole frame (Element Plus menu and drawer) more than once: slow on a loaded machine.
const SLOW = { timeout: 20_000 }

function screen(narrow: boolean) {
  vi.stubGlobal(
    'matchMedia',
    vi.fn((query: string) => ({
      matches: narrow && query === '(max-width: 767px)',
      media: query,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
    })),
  )
}

async function mountLayout() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Page, meta: { title: 'routes.home' } },
      { path: '/help', name: 'help', component: Page, meta: { title: 'routes.help' } },
    ],
  })
  await router.push('/')
  await router.isReady()
  const wrapper = mount(MainLayout, { global: { plugins: [createPinia(), i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

const expanded = (w: Awaited<ReturnType<typeof mountLayout>>['wrapper']) =>
  w.get('[data-test="menu-toggle"]').attributes('aria-expanded')

describe('MainLayout', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    window.localStorage.clear()
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('on a phone: no icon rail, ☰ opens the drawer, navigation closes it, nothing is remembered', SLOW, async () => {
    screen(true)
    window.localStorage.setItem(COLLAPSE_KEY, '0') // a desk's choice must not open the phone's drawer
    const { wrapper, router } = await mountLayout()
    expect(wrapper.find('.layout__aside').exists()).toBe(false)
    expect(expanded(wrapper)).toBe('false')
    expect(document.querySelector('.layout__drawer .el-menu')).toBeNull()

    await wrapper.get('[data-test="menu-toggle"]').trigger('click')
    await flushPromises()
    expect(expanded(wrapper)).toBe('true')
    expect(document.querySelector('.layout__drawer .el-menu')).not.toBeNull()

    await router.push('/help')
    await flushPromises()
    expect(expanded(wrapper)).toBe('false')
    await router.push('/')
    await flushPromises()
    expect(window.localStorage.getItem(COLLAPSE_KEY)).toBe('0')

    // Tapping the page already shown closes the drawer too.
    await wrapper.get('[data-test="menu-toggle"]').trigger('click')
    await flushPromises()
    await wrapper.get('.layout__drawer [data-menu-code="home"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/')
    expect(expanded(wrapper)).toBe('false')

    // A reload starts closed whatever happened before.
    await wrapper.get('[data-test="menu-toggle"]').trigger('click')
    await flushPromises()
    wrapper.unmount()
    const again = await mountLayout()
    expect(expanded(again.wrapper)).toBe('false')
  })

  it('on a desk: the side menu folds into an icon rail and the choice is remembered', SLOW, async () => {
    screen(false)
    const { wrapper } = await mountLayout()
    expect(wrapper.find('.layout__drawer').exists()).toBe(false)
    expect(wrapper.get('.layout__aside').attributes('style')).toContain('220px')
    await wrapper.get('[data-test="menu-toggle"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('.layout__aside').attributes('style')).toContain('64px')
    expect(expanded(wrapper)).toBe('false')
    expect(window.localStorage.getItem(COLLAPSE_KEY)).toBe('1')
  })
})
