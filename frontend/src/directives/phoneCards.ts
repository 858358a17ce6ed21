// v-phone-cards on an element that holds Element Plus tables: below 768 px (styles/phone.css) each table row
// is shown as a card, one line per column, each line led by its column's header. The pages keep their
// el-table-column definitions; this directive copies each header's text onto the body cells of its column
// (data-label) and marks the card's title cell, following the table as rows and columns change.
import type { Directive } from 'vue'

export const PHONE_CARDS_CLASS = 'phone-cards'

/** The column class Element Plus gives a header cell and every body cell of the same column. */
function columnClass(cell: Element): string | null {
  for (const c of Array.from(cell.classList)) {
    if (/^el-table_\d+_column_\d+$/.test(c)) return c
  }
  return null
}

/**
 * Labels the body cells of every table inside `root` with their column's header text, and marks the first
 * labelled cell of each row as the card's title (data-card-title). Only changes attributes that differ, so
 * calling it again is cheap and does not disturb the DOM.
 */
export function labelTableCells(root: Element) {
  for (const table of Array.from(root.querySelectorAll('.el-table'))) {
    const labels = new Map<string, string>()
    for (const th of Array.from(table.querySelectorAll('.el-table__header-wrapper th.el-table__cell, .el-table__header th.el-table__cell'))) {
      const col = columnClass(th)
      if (!col || labels.has(col)) continue
      labels.set(col, (th.textContent ?? '').replace(/\s+/g, ' ').trim())
    }
    for (const row of Array.from(table.querySelectorAll('.el-table__body tr'))) {
      let titled = false
      for (const td of Array.from(row.children)) {
        const col = columnClass(td)
        if (!col) continue
        const label = labels.get(col) ?? ''
        if (td.getAttribute('data-label') !== label) td.setAttribute('data-label', label)
        const title = !titled && label !== ''
        if (title) titled = true
        if (title !== td.hasAttribute('data-card-title')) {
          if (title) td.setAttribute('data-card-title', '')
          else td.removeAttribute('data-card-title')
        }
      }
    }
  }
}

interface State {
  observer: MutationObserver | null
  frame: number
}

const states = new WeakMap<HTMLElement, State>()

export const vPhoneCards: Directive<HTMLElement> = {
  mounted(el) {
    el.classList.add(PHONE_CARDS_CLASS)
    const state: State = { observer: null, frame: 0 }
    const run = () => {
      state.frame = 0
      labelTableCells(el)
    }
    labelTableCells(el)
    if (typeof MutationObserver !== 'undefined') {
      // Only structure and text: the attributes set here never wake the observer again.
      state.observer = new MutationObserver(() => {
        if (state.frame) return
        state.frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : (setTimeout(run, 16) as unknown as number)
      })
      state.observer.observe(el, { childList: true, subtree: true, characterData: true })
    }
    states.set(el, state)
  },
  unmounted(el) {
    const state = states.get(el)
    state?.observer?.disconnect()
    if (state?.frame && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(state.frame)
    states.delete(el)
  },
}
