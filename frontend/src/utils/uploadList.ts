// el-upload's file list is a <ul> whose items are <li role="button"> (Delete removes the file): items that are
// not list items, which screen checkers (axe-core "list", WCAG 1.3.1) report. For the whole app, once: the
// <ul> is presentational, so each file reads as the button Element Plus made it.
export function fixUploadLists(root: ParentNode) {
  root.querySelectorAll('ul.el-upload-list').forEach((ul) => {
    if (ul.getAttribute('role') !== 'presentation') ul.setAttribute('role', 'presentation')
  })
}

/** Installs it on the document for the life of the page. */
export function installUploadLists(doc: Document = document) {
  fixUploadLists(doc)
  new MutationObserver(() => fixUploadLists(doc)).observe(doc.body, { subtree: true, childList: true })
}
