// v-permission="'org:dept:create'" (or a list: shown when the user holds any of them) hides an element
// the user may not use. It only tidies the screen: the server checks the same code on every call.
import { shallowRef, watchEffect, type Directive, type ShallowRef, type WatchStopHandle } from 'vue'
import { useAuthStore } from '@/stores/auth'
import type { PermissionCode } from '@/api/types'

export type PermissionValue = PermissionCode | readonly PermissionCode[]

const HIDDEN_ATTR = 'data-permission-hidden'

interface State {
  codes: ShallowRef<PermissionValue | undefined>
  stop: WatchStopHandle
}

const states = new WeakMap<HTMLElement, State>()

function render(el: HTMLElement, codes: PermissionValue | undefined, has: (c: PermissionValue) => boolean) {
  const empty = codes === undefined || codes === null || codes.length === 0
  const allowed = !empty && has(codes)
  if (allowed) {
    if (el.hasAttribute(HIDDEN_ATTR)) {
      el.style.display = el.getAttribute(HIDDEN_ATTR) || ''
      el.removeAttribute(HIDDEN_ATTR)
    }
  } else if (!el.hasAttribute(HIDDEN_ATTR)) {
    el.setAttribute(HIDDEN_ATTR, el.style.display)
    el.style.display = 'none'
  }
}

// Hiding (rather than removing the node) keeps Vue's DOM bookkeeping intact, and the watcher shows or
// hides the element again whenever the user's permissions change, without the component re-rendering.
export const vPermission: Directive<HTMLElement, PermissionValue> = {
  mounted(el, binding) {
    const auth = useAuthStore()
    const codes = shallowRef<PermissionValue | undefined>(binding.value)
    const stop = watchEffect(() => render(el, codes.value, (c) => auth.hasPermission(c)), { flush: 'sync' })
    states.set(el, { codes, stop })
  },
  updated(el, binding) {
    const s = states.get(el)
    if (s) s.codes.value = binding.value
  },
  unmounted(el) {
    states.get(el)?.stop()
    states.delete(el)
  },
}
