// Keyboard use of Element Plus's vertical el-menu (GB/T 37668-2019, WCAG 2.1.1). As Element Plus renders it,
// no entry can be reached with Tab: entries are <li tabindex="-1"> and group titles plain <div>s inside a
// <li role="menuitem"> (keyboard handling exists only in horizontal mode). This makes every shown entry and
// group title a tab stop; Enter and Space open it, ↑/↓ (Home/End) move between the shown ones. The group's
// title becomes its menuitem (with aria-expanded), its <li> presentational, so no focusable element sits
// inside another menuitem.
import { onBeforeUnmount, onMounted, type Ref } from 'vue'

const ENTRY = '.el-menu-item, .el-sub-menu__title'

function setAttr(el: Element, name: string, value: string | null) {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name)
  } else if (el.getAttribute(name) !== value) {
    el.setAttribute(name, value)
  }
}

/** Brings the entries under `root` to the keyboard; idempotent (it runs on every change of the menu). */
export function fixMenuEntries(root: Element) {
  root.querySelectorAll('.el-menu-item').forEach((li) => setAttr(li, 'tabindex', li.classList.contains('is-disabled') ? '-1' : '0'))
  root.querySelectorAll('.el-sub-menu').forEach((li) => {
    const title = Array.from(li.children).find((c) => c.classList.contains('el-sub-menu__title'))
    if (!title) return
    setAttr(li, 'role', 'none')
    setAttr(li, 'aria-expanded', null)
    setAttr(li, 'aria-haspopup', null)
    setAttr(title, 'role', 'menuitem')
    setAttr(title, 'tabindex', '0')
    setAttr(title, 'aria-haspopup', 'true')
    setAttr(title, 'aria-expanded', String(li.classList.contains('is-opened')))
  })
}

function shown(el: Element) {
  return el.getClientRects().length > 0
}

/** Enter/Space open the focused entry; ↑/↓/Home/End move the focus among the shown entries. */
export function onMenuKeydown(root: Element, e: KeyboardEvent) {
  const el = e.target as HTMLElement | null
  if (!el || !el.matches(ENTRY)) return
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault()
    el.click()
    return
  }
  const moves: Record<string, (i: number, n: number) => number> = {
    ArrowDown: (i, n) => (i + 1) % n,
    ArrowUp: (i, n) => (i - 1 + n) % n,
    Home: () => 0,
    End: (_i, n) => n - 1,
  }
  const move = moves[e.key]
  if (!move) return
  const entries = Array.from(root.querySelectorAll<HTMLElement>(ENTRY)).filter(shown)
  const i = entries.indexOf(el)
  if (i < 0 || !entries.length) return
  e.preventDefault()
  entries[move(i, entries.length)].focus()
}

/** Applies the above to the menu inside `root` for as long as the component lives. */
export function useMenuKeyboard(root: Ref<HTMLElement | null>) {
  let observer: MutationObserver | null = null
  const keydown = (e: KeyboardEvent) => root.value && onMenuKeydown(root.value, e)
  onMounted(() => {
    const el = root.value
    if (!el) return
    fixMenuEntries(el)
    observer = new MutationObserver(() => fixMenuEntries(el))
    observer.observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'aria-expanded', 'role', 'tabindex'] })
    el.addEventListener('keydown', keydown)
  })
  onBeforeUnmount(() => {
    observer?.disconnect()
    root.value?.removeEventListener('keydown', keydown)
  })
}
