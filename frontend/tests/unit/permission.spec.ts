import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { vPermission } from '@/directives/permission'
import { useAuthStore } from '@/stores/auth'
import type { Me, PermissionCode } from '@/api/types'

function profile(permissions: PermissionCode[]): Me {
  return {
    user: { id: 1, login_name: 'u', display_name: 'U', kind: 'enterprise_admin' },
    enterprise: { id: 1, name: '测试企业' },
    region: null,
    post: null,
    password_policy: '',
    permissions,
    menus: [],
    must_change_password: false,
    setup_complete: true,
    in_use: true,
  }
}

const Page = defineComponent({
  directives: { permission: vPermission },
  template: `
    <div>
      <button id="create" v-permission="'org:dept:create'">新增</button>
      <button id="delete" v-permission="'org:dept:delete'">删除</button>
      <button id="either" v-permission="['org:dept:delete', 'org:dept:update']">编辑</button>
      <button id="styled" style="display: inline-flex" v-permission="'org:dept:delete'">样式</button>
    </div>`,
})

describe('v-permission', () => {
  beforeEach(() => setActivePinia(createPinia()))

  function visible(w: ReturnType<typeof mount>, id: string) {
    return (w.get(`#${id}`).element as HTMLElement).style.display !== 'none'
  }

  const cases: Array<{ perms: PermissionCode[]; shown: string[]; hidden: string[] }> = [
    { perms: [], shown: [], hidden: ['create', 'delete', 'either'] },
    { perms: ['org:dept:create'], shown: ['create'], hidden: ['delete', 'either'] },
    { perms: ['org:dept:update'], shown: ['either'], hidden: ['create', 'delete'] },
    { perms: ['org:dept:create', 'org:dept:delete'], shown: ['create', 'delete', 'either'], hidden: [] },
  ]
  for (const c of cases) {
    it(`with [${c.perms.join(', ')}]`, () => {
      useAuthStore().profile = profile(c.perms)
      const w = mount(Page)
      for (const id of c.shown) expect(visible(w, id), id).toBe(true)
      for (const id of c.hidden) expect(visible(w, id), id).toBe(false)
    })
  }

  it('follows permission changes and restores the original display', async () => {
    const auth = useAuthStore()
    auth.profile = profile([])
    const w = mount(Page)
    expect(visible(w, 'styled')).toBe(false)
    auth.profile = profile(['org:dept:delete'])
    await nextTick()
    expect((w.get('#styled').element as HTMLElement).style.display).toBe('inline-flex')
    auth.profile = null
    await nextTick()
    expect(visible(w, 'styled')).toBe(false)
  })

  it('hasPermission matches any of a list', () => {
    const auth = useAuthStore()
    auth.profile = profile(['org:dept:create'])
    expect(auth.hasPermission('org:dept:create')).toBe(true)
    expect(auth.hasPermission('org:dept:delete')).toBe(false)
    expect(auth.hasPermission(['org:post', 'org:dept:create'])).toBe(true)
    expect(auth.hasPermission([])).toBe(false)
  })
})
