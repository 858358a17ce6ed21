// The accessibility patches of Element Plus widgets (keyboard for href-less links, names for tree checkboxes
// and upload lists), loaded in their own chunk right after the first paint: each fixes the DOM already there
// and watches for more, so a moment's delay loses nothing, and the login route stays within its budget.
import { installKeyboardLinks } from './keyboardLinks'
import { installTreeCheckboxes } from './treeCheckboxes'
import { installUploadLists } from './uploadList'

export function installA11yPatches() {
  installKeyboardLinks()
  installTreeCheckboxes()
  installUploadLists()
}
