// Accessibility patches over Element Plus markup. The side menu by keyboard: the vertical el-menu leaves its
// entries out of the tab order and its group titles without a role; fixMenuEntries brings them in,
// onMenuKeydown opens and moves. Href-less el-links (a hazard's code in 隐患台账) likewise; el-tree checkboxes
// get names, el-upload lists lose the list role their button items break.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fixMenuEntries, onMenuKeydown } from '@/composables/useMenuKeyboard'

// The markup el-menu renders in vertical mode: a group (closed) and two entries.
function menu() {
  document.body.innerHTML = `
    <ul role="menubar" class="el-menu">
      <li role="menuitem" tabindex="-1" class="el-menu-item" id="home">首页</li>
      <li role="menuitem" aria-haspopup="true" aria-expanded="false" class="el-sub-menu" id="group">
        <div class="el-sub-menu__title" id="title">隐患管理</div>
        <ul role="menu" class="el-menu el-menu--inline" style="display: none">
          <li role="menuitem" tabindex="-1" class="el-menu-item" id="ledger">隐患台账</li>
        </ul>
      </li>
    </ul>`
  const root = document.querySelector('.el-menu') as HTMLElement
  // happy-dom lays nothing out: the closed group's entry is the one without boxes.
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('.el-menu-item, .el-sub-menu__title'))) {
    el.getClientRects = () => (el.closest('[style*="display: none"]') ? [] : [{}]) as unknown as DOMRectList
  }
  return root
}
const byId = (id: string) => document.getElementById(id) as HTMLElement
const key = (el: HTMLElement, k: string) => {
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true })
  Object.defineProperty(e, 'target', { value: el })
  return e
}

describe('side menu keyboard', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('puts entries and group titles in the tab order, the title as the group’s menuitem', () => {
    const root = menu()
    fixMenuEntries(root)
    expect(byId('home').getAttribute('tabindex')).toBe('0')
    expect(byId('ledger').getAttribute('tabindex')).toBe('0')
    expect(byId('title').getAttribute('tabindex')).toBe('0')
    expect(byId('title').getAttribute('role')).toBe('menuitem')
    expect(byId('title').getAttribute('aria-expanded')).toBe('false')
    expect(byId('group').getAttribute('role')).toBe('none')
    expect(byId('group').hasAttribute('aria-expanded')).toBe(false)
    byId('group').classList.add('is-opened')
    fixMenuEntries(root)
    expect(byId('title').getAttribute('aria-expanded')).toBe('true')
  })

  it('opens with Enter and Space, moves with the arrows among the shown entries', () => {
    const root = menu()
    fixMenuEntries(root)
    const clicked = vi.fn()
    byId('title').addEventListener('click', clicked)
    const enter = key(byId('title'), 'Enter')
    onMenuKeydown(root, enter)
    expect(clicked).toHaveBeenCalledTimes(1)
    expect(enter.defaultPrevented).toBe(true)
    onMenuKeydown(root, key(byId('title'), ' '))
    expect(clicked).toHaveBeenCalledTimes(2)

    byId('home').focus()
    onMenuKeydown(root, key(byId('home'), 'ArrowDown'))
    expect(document.activeElement).toBe(byId('title'))
    // The closed group's entry is skipped: ↓ wraps to the first.
    onMenuKeydown(root, key(byId('title'), 'ArrowDown'))
    expect(document.activeElement).toBe(byId('home'))
    onMenuKeydown(root, key(byId('home'), 'End'))
    expect(document.activeElement).toBe(byId('title'))
  })
})

describe('href-less el-link by keyboard', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('becomes a button in the tab order that Enter and Space click; links with an href stay links', async () => {
    const { fixLinks, onLinkKeydown } = await import('@/utils/keyboardLinks')
    document.body.innerHTML = `
      <a class="el-link" id="open">YH-2026-000001</a>
      <a class="el-link is-disabled" id="off">停用</a>
      <a class="el-link" href="/help" id="real">操作手册</a>`
    fixLinks(document)
    expect(byId('open').getAttribute('tabindex')).toBe('0')
    expect(byId('open').getAttribute('role')).toBe('button')
    expect(byId('off').getAttribute('tabindex')).toBe('-1')
    expect(byId('real').hasAttribute('tabindex')).toBe(false)
    expect(byId('real').hasAttribute('role')).toBe(false)
    const clicked = vi.fn()
    byId('open').addEventListener('click', clicked)
    onLinkKeydown(key(byId('open'), 'Enter'))
    onLinkKeydown(key(byId('open'), ' '))
    onLinkKeydown(key(byId('open'), 'a'))
    expect(clicked).toHaveBeenCalledTimes(2)
  })
})

describe('el-tree checkboxes', () => {
  it('are named by their node’s text and lose the aria-checked their label may not carry', async () => {
    const { fixTreeCheckboxes } = await import('@/utils/treeCheckboxes')
    document.body.innerHTML = `
      <div role="treeitem" aria-checked="mixed"><div class="el-tree-node__content">
        <label class="el-checkbox" aria-checked="mixed"><span class="el-checkbox__input"><input class="el-checkbox__original" type="checkbox" tabindex="-1"></span></label>
        <span class="el-tree-node__label">隐患台账</span>
      </div></div>`
    fixTreeCheckboxes(document)
    expect(document.querySelector('input')?.getAttribute('aria-label')).toBe('隐患台账')
    expect(document.querySelector('label')?.hasAttribute('aria-checked')).toBe(false)
    expect(document.querySelector('[role="treeitem"]')?.getAttribute('aria-checked')).toBe('mixed')
    document.body.innerHTML = ''
  })
})

describe('el-upload file lists', () => {
  it('are presentational, their items being buttons', async () => {
    const { fixUploadLists } = await import('@/utils/uploadList')
    document.body.innerHTML = '<ul class="el-upload-list"><li role="button" tabindex="0">导入.xlsx</li></ul>'
    fixUploadLists(document)
    expect(document.querySelector('ul')?.getAttribute('role')).toBe('presentation')
    document.body.innerHTML = ''
  })
})
