import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import PermissionTree from '@/components/PermissionTree.vue'
import { i18n } from '@/locales'
import {
  buildPermissionItems,
  codesToSend,
  leafItems,
  leafKeysForCodes,
  pageKey,
  reconcileLeaves,
  tickedKeys,
} from '@/utils/permissionTree'
import { ALL_ENTERPRISE_CODES, enterpriseCatalog, ROLE_BUTTONS, USER_BUTTONS } from './fixtures'

const PAGE = '访问页面'
const items = buildPermissionItems(enterpriseCatalog, ALL_ENTERPRISE_CODES, PAGE)
const sorted = (xs: string[]) => xs.slice().sort()

describe('permission tree: items', () => {
  it('gives every menu with buttons a first "访问页面" leaf standing for the menu code', () => {
    const users = items[0]!.children![0]!
    expect(users.children!.map((c) => c.key)).toEqual([pageKey('sys:user'), ...USER_BUTTONS])
    expect(users.children![0]).toMatchObject({ code: 'sys:user', type: 'page', label: PAGE })
    // 审计日志 has no buttons: it is a leaf itself.
    const audit = items[0]!.children![2]!
    expect(audit).toMatchObject({ key: 'sys:audit', type: 'menu' })
    expect(audit.children).toBeUndefined()
  })

  const held: Array<{ name: string; held: string[]; enabled: string[] }> = [
    { name: 'enterprise admin (holds everything)', held: ALL_ENTERPRISE_CODES, enabled: ALL_ENTERPRISE_CODES },
    {
      name: 'post user with 用户管理 and 新建用户 only',
      held: ['sys', 'sys:user', 'sys:user:create'],
      enabled: ['sys', 'sys:user', 'sys:user:create'],
    },
    { name: 'nothing held', held: [], enabled: [] },
  ]
  for (const c of held) {
    it(`disables exactly the codes not held: ${c.name}`, () => {
      const list = buildPermissionItems(enterpriseCatalog, c.held, PAGE)
      const enabled: string[] = []
      const walk = (xs: typeof list) =>
        xs.forEach((x) => {
          if (!x.disabled) enabled.push(x.code)
          if (x.children) walk(x.children)
        })
      walk(list)
      expect(sorted(Array.from(new Set(enabled)))).toEqual(sorted(c.enabled))
    })
  }
})

describe('permission tree: codes shown ticked', () => {
  const cases: Array<{ name: string; codes: string[]; leaves: string[] }> = [
    // The seed's 安全员 role: 用户管理 to look at, without any of its buttons, and 审计日志.
    { name: 'a page without its buttons ticks only its page leaf', codes: ['sys', 'sys:audit', 'sys:user'], leaves: [pageKey('sys:user'), 'sys:audit'] },
    { name: 'a button ticks itself and its page', codes: ['sys', 'sys:user', 'sys:user:create'], leaves: [pageKey('sys:user'), 'sys:user:create'] },
    { name: 'nothing', codes: [], leaves: [] },
    { name: 'a group code alone ticks nothing', codes: ['sys'], leaves: [] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(leafKeysForCodes(items, c.codes)).toEqual(c.leaves)
    })
  }
})

describe('permission tree: codes sent', () => {
  const allLeaves = leafItems(items).map((l) => l.key)
  const userMenu = [pageKey('sys:user'), ...USER_BUTTONS]
  const cases: Array<{ name: string; leaves: string[]; codes: string[]; half: string[] }> = [
    {
      name: '用户管理 and 审计日志 ticked: the menus and buttons, not the half-ticked group',
      leaves: [...userMenu, 'sys:audit'],
      codes: ['sys:audit', 'sys:user', ...USER_BUTTONS],
      half: ['sys'],
    },
    { name: 'everything: the group is fully ticked and sent', leaves: allLeaves, codes: ALL_ENTERPRISE_CODES, half: [] },
    { name: 'a page without buttons: its menu code', leaves: [pageKey('sys:role')], codes: ['sys:role'], half: ['sys', 'sys:role'] },
    {
      name: 'a button with its page: both, the half-ticked menu is named by its page leaf only',
      leaves: [pageKey('sys:user'), 'sys:user:grant'],
      codes: ['sys:user', 'sys:user:grant'],
      half: ['sys', 'sys:user'],
    },
    { name: 'nothing ticked: nothing', leaves: [], codes: [], half: [] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(codesToSend(items, c.leaves)).toEqual(sorted(c.codes))
      // Half-ticked parents (those with some but not all leaves ticked) are not among the ticked keys.
      const ticked = new Set(tickedKeys(items, c.leaves))
      for (const h of c.half) expect(ticked.has(h), h).toBe(false)
    })
  }
})

describe('permission tree: a button needs its page', () => {
  // `ticked` is the state el-tree reports right after the click (the click already applied).
  const cases: Array<{ name: string; ticked: string[]; change: { key: string; checked: boolean }; after: string[] }> = [
    {
      name: 'ticking a button ticks its page',
      ticked: ['sys:role:delete'],
      change: { key: 'sys:role:delete', checked: true },
      after: [pageKey('sys:role'), 'sys:role:delete'],
    },
    {
      name: 'unticking the page unticks its buttons',
      ticked: ['sys:user:create', 'sys:user:grant', 'sys:audit'],
      change: { key: pageKey('sys:user'), checked: false },
      after: ['sys:audit'],
    },
    {
      name: 'unticking a button keeps the page',
      ticked: [pageKey('sys:user')],
      change: { key: 'sys:user:create', checked: false },
      after: [pageKey('sys:user')],
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(sorted(reconcileLeaves(items, c.ticked, c.change))).toEqual(sorted(c.after))
    })
  }

  it('never changes a disabled leaf', () => {
    // The grantor lacks 删除用户; the target has it. Unticking the page cannot take it away.
    const held = ALL_ENTERPRISE_CODES.filter((c) => c !== 'sys:user:delete')
    const list = buildPermissionItems(enterpriseCatalog, held, PAGE)
    const out = reconcileLeaves(list, ['sys:user:delete', 'sys:user:create'], { key: pageKey('sys:user'), checked: false })
    expect(sorted(out)).toEqual(['sys:user:delete'])
  })
})

// The component as the dialogs use it: el-tree with checkboxes, v-model of codes.
describe('PermissionTree component', () => {
  beforeEach(() => {
    document.body.innerHTML = ''
  })

  function mountTree(held: string[], initial: string[]) {
    const codes = ref<string[]>(initial)
    const Host = defineComponent({
      setup: () => () =>
        h(PermissionTree, {
          nodes: enterpriseCatalog,
          held,
          modelValue: codes.value,
          'onUpdate:modelValue': (v: string[]) => (codes.value = v),
        }),
    })
    const w = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
    return { w, codes }
  }

  /** The checkbox input of the tree node whose key is `key`. */
  function box(w: ReturnType<typeof mount>, key: string) {
    const node = w.findAll('.el-tree-node').find((n) => n.attributes('data-key') === key)
    if (!node) throw new Error(`no tree node ${key}`)
    return node.find('.el-tree-node__content .el-checkbox__original')
  }

  function isChecked(w: ReturnType<typeof mount>, key: string) {
    return (box(w, key).element as HTMLInputElement).checked
  }

  it('disables the codes the current user does not hold', async () => {
    const { w } = mountTree(['sys', 'sys:user', 'sys:user:create', 'sys:audit'], [])
    await flushPromises()
    const enabled = ['sys', pageKey('sys:user'), 'sys:user', 'sys:user:create', 'sys:audit']
    const disabled = ['sys:user:delete', 'sys:user:grant', 'sys:role', pageKey('sys:role'), ...ROLE_BUTTONS]
    for (const k of enabled) expect((box(w, k).element as HTMLInputElement).disabled, k).toBe(false)
    for (const k of disabled) expect((box(w, k).element as HTMLInputElement).disabled, k).toBe(true)
    expect(w.text()).toContain('灰色项为您自己未拥有的权限')
  })

  it('shows stored codes by their leaves: a page without buttons does not tick the buttons', async () => {
    const { w } = mountTree(ALL_ENTERPRISE_CODES, ['sys', 'sys:audit', 'sys:user'])
    await flushPromises()
    expect(isChecked(w, pageKey('sys:user'))).toBe(true)
    expect(isChecked(w, 'sys:audit')).toBe(true)
    for (const b of USER_BUTTONS) expect(isChecked(w, b), b).toBe(false)
    expect(isChecked(w, 'sys:user')).toBe(false) // half-ticked
  })

  it('ticking 用户管理 and 审计日志 emits those menus with their buttons, not the half-ticked group', async () => {
    const { w, codes } = mountTree(ALL_ENTERPRISE_CODES, [])
    await flushPromises()
    await box(w, 'sys:user').setValue(true)
    await flushPromises()
    await box(w, 'sys:audit').setValue(true)
    await flushPromises()
    expect(codes.value).toEqual(sorted(['sys:audit', 'sys:user', ...USER_BUTTONS]))
    expect(isChecked(w, 'sys')).toBe(false)
  })

  it('ticking a button ticks its page too, and unticking the page clears the buttons', async () => {
    const { w, codes } = mountTree(ALL_ENTERPRISE_CODES, [])
    await flushPromises()
    await box(w, 'sys:role:assign').setValue(true)
    await flushPromises()
    expect(isChecked(w, pageKey('sys:role'))).toBe(true)
    expect(codes.value).toEqual(['sys:role', 'sys:role:assign'])
    await box(w, pageKey('sys:role')).setValue(false)
    await flushPromises()
    expect(isChecked(w, 'sys:role:assign')).toBe(false)
    expect(codes.value).toEqual([])
  })
})
