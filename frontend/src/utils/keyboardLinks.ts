// Element Plus's <el-link> without an href (the app's links that open a detail in a handler, e.g. a hazard's
// code in 隐患台账) is an <a> with no href: browsers leave it out of the tab order and Enter does nothing, so a
// keyboard user cannot open it (GB/T 37668-2019, WCAG 2.1.1). For the whole app, once: such links become
// buttons in the tab order (tabindex 0, role button), and Enter or Space clicks them.
const LINK = 'a.el-link:not([href])'

/** Gives every href-less el-link under `root` a tab stop and the button role (idempotent). */
export function fixLinks(root: ParentNode) {
  root.querySelectorAll(LINK).forEach((a) => {
    const disabled = a.classList.contains('is-disabled')
    const tabindex = disabled ? '-1' : '0'
    if (a.getAttribute('tabindex') !== tabindex) a.setAttribute('tabindex', tabindex)
    if (a.getAttribute('role') !== 'button') a.setAttribute('role', 'button')
  })
}

/** Enter or Space on such a link clicks it. */
export function onLinkKeydown(e: KeyboardEvent) {
  const a = e.target as Element | null
  if (!a || typeof a.matches !== 'function' || !a.matches(LINK) || a.classList.contains('is-disabled')) return
  if (e.key !== 'Enter' && e.key !== ' ') return
  e.preventDefault()
  ;(a as HTMLElement).click()
}

/** Installs both on the document for the life of the page. */
export function installKeyboardLinks(doc: Document = document) {
  fixLinks(doc)
  new MutationObserver(() => fixLinks(doc)).observe(doc.body, { subtree: true, childList: true })
  doc.addEventListener('keydown', onLinkKeydown)
}
