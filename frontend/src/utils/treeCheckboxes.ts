// el-tree with show-checkbox (the permission tree, the checklist item picker) draws an el-checkbox in each node
// with no label of its own: the node's text sits beside it, and the node (role treeitem, aria-checked) is what
// assistive technology reads and the keyboard operates (the checkbox input has tabindex -1). Screen checkers
// (axe-core, GB/T 37668-2019 / WCAG 4.1.2) still see an unlabelled input and aria-checked="mixed" on the
// checkbox's <label>, where that attribute is not allowed. For the whole app, once: each such input is named by
// its node's text, and the label's aria-checked is dropped (the treeitem already carries it).
const BOX = '.el-tree-node__content > .el-checkbox'

/** Names the checkboxes of every el-tree node under `root` (idempotent). */
export function fixTreeCheckboxes(root: ParentNode) {
  root.querySelectorAll(BOX).forEach((label) => {
    if (label.hasAttribute('aria-checked')) label.removeAttribute('aria-checked')
    const input = label.querySelector('input.el-checkbox__original')
    const text = label.parentElement?.querySelector('.el-tree-node__label')?.textContent?.trim() || label.parentElement?.textContent?.trim() || ''
    if (input && text && input.getAttribute('aria-label') !== text) input.setAttribute('aria-label', text)
  })
}

/** Installs it on the document for the life of the page. */
export function installTreeCheckboxes(doc: Document = document) {
  fixTreeCheckboxes(doc)
  new MutationObserver(() => fixTreeCheckboxes(doc)).observe(doc.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['aria-checked'],
  })
}
