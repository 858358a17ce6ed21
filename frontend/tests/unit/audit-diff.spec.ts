import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { diffDetail, readDetail, sameValue, type DiffRow } from '@/utils/auditDiff'
import AuditDetail from '@/components/AuditDetail.vue'
import { i18n } from '@/locales'
import type { AuditLog } from '@/api/types/system'

// Details as the server records them (internal/account, internal/rbac).
describe('diffDetail', () => {
  const cases: Array<{ name: string; detail: unknown; rows: DiffRow[] }> = [
    {
      name: 'user_update: only the changed keys, in the order of after',
      detail: {
        before: { display_name: '测试', phone: '13700000009', post: '库管员' },
        after: { display_name: '测试改', phone: '13700000009', post: '叉车司机' },
      },
      rows: [
        { key: 'display_name', kind: 'changed', before: '测试', after: '测试改' },
        { key: 'post', kind: 'changed', before: '库管员', after: '叉车司机' },
      ],
    },
    {
      name: 'user_create: everything is new',
      detail: { after: { display_name: '孙丽', login_name: '朝阳商场-库管员', phone: '', post: '库管员' } },
      rows: [
        { key: 'display_name', kind: 'added', after: '孙丽' },
        { key: 'login_name', kind: 'added', after: '朝阳商场-库管员' },
        { key: 'phone', kind: 'added', after: '' },
        { key: 'post', kind: 'added', after: '库管员' },
      ],
    },
    {
      name: 'user_delete: everything is gone',
      detail: { before: { display_name: '测试改', login_name: '朝阳商场-库管员2' } },
      rows: [
        { key: 'display_name', kind: 'removed', before: '测试改' },
        { key: 'login_name', kind: 'removed', before: '朝阳商场-库管员2' },
      ],
    },
    {
      name: 'role_grant: lists give the items added and removed',
      detail: { before: { codes: ['sys', 'sys:audit', 'sys:user'] }, after: { codes: ['sys', 'sys:role', 'sys:user', 'sys:user:create'] } },
      rows: [
        {
          key: 'codes',
          kind: 'changed',
          before: ['sys', 'sys:audit', 'sys:user'],
          after: ['sys', 'sys:role', 'sys:user', 'sys:user:create'],
          addedItems: ['sys:role', 'sys:user:create'],
          removedItems: ['sys:audit'],
        },
      ],
    },
    {
      name: 'user_grant from nothing',
      detail: { before: { codes: [] }, after: { codes: ['sys', 'sys:audit'] } },
      rows: [{ key: 'codes', kind: 'changed', before: [], after: ['sys', 'sys:audit'], addedItems: ['sys', 'sys:audit'], removedItems: [] }],
    },
    {
      name: 'user_roles: ids',
      detail: { before: { role_ids: [1] }, after: { role_ids: [1, 3] } },
      rows: [{ key: 'role_ids', kind: 'changed', before: [1], after: [1, 3], addedItems: [3], removedItems: [] }],
    },
    {
      name: 'an unchanged list is left out',
      detail: { before: { user_ids: [7, 14], x: 1 }, after: { user_ids: [7, 14], x: 2 } },
      rows: [{ key: 'x', kind: 'changed', before: 1, after: 2 }],
    },
    { name: 'a note only (login): no rows', detail: { note: '个人用户登录' }, rows: [] },
    { name: 'no detail (password_reset)', detail: null, rows: [] },
    { name: 'garbage', detail: 'oops', rows: [] },
    {
      name: 'nested objects compare by value, whatever the key order',
      detail: { before: { s: { a: 1, b: [1, 2] } }, after: { s: { b: [1, 2], a: 1 } } },
      rows: [],
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(diffDetail(c.detail)).toEqual(c.rows)
    })
  }

  it('can list unchanged keys too', () => {
    const rows = diffDetail({ before: { a: 1, b: 2 }, after: { a: 1, b: 3 } }, { includeUnchanged: true })
    expect(rows.map((r) => [r.key, r.kind])).toEqual([
      ['a', 'unchanged'],
      ['b', 'changed'],
    ])
  })

  it('readDetail keeps only before, after and a non-empty note', () => {
    expect(readDetail({ before: [1], after: { a: 1 }, note: '', extra: 1 })).toEqual({ after: { a: 1 } })
    expect(readDetail({ note: '监管部门重置：北京朝阳示范商场有限公司' })).toEqual({ note: '监管部门重置：北京朝阳示范商场有限公司' })
  })

  it('sameValue', () => {
    expect(sameValue([1, 2], [1, 2])).toBe(true)
    expect(sameValue([1, 2], [2, 1])).toBe(false)
    expect(sameValue({ a: null }, { a: undefined })).toBe(false)
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false)
  })
})

describe('AuditDetail', () => {
  const entry = (detail: unknown): AuditLog => ({
    id: 1,
    at: '2026-01-02T03:04:05Z',
    actor_id: 5,
    actor_name: '北京朝阳示范商场有限公司',
    action: 'user_update',
    action_label: '修改用户',
    target_type: 'user',
    target_id: 14,
    target_name: '朝阳商场-库管员',
    ip: '127.0.0.1',
    request_id: 'req-1',
    detail: detail as AuditLog['detail'],
  })

  it('shows a two-column table of the changed keys with Chinese labels and values', () => {
    const w = mount(AuditDetail, {
      props: { entry: entry({ before: { status: 'active', phone: '13700000009' }, after: { status: 'disabled', phone: '' } }) },
      global: { plugins: [i18n] },
    })
    const rows = w.findAll('tbody tr').map((r) => r.findAll('td').map((td) => td.text()))
    expect(rows).toEqual([
      ['状态', '启用', '停用'],
      ['手机号', '13700000009', '（空）'],
    ])
    expect(w.findAll('thead th').map((th) => th.text())).toEqual(['项目', '变更前', '变更后'])
  })

  it('names list items and shows what was added and removed', () => {
    const titles: Record<string, string> = { 'sys:audit': '审计日志', 'sys:user': '用户管理', sys: '系统管理' }
    const w = mount(AuditDetail, {
      props: {
        entry: entry({ before: { codes: ['sys', 'sys:audit'] }, after: { codes: ['sys', 'sys:user'] } }),
        nameValue: (key: string, v: unknown) => (key === 'codes' ? titles[String(v)] : undefined),
      },
      global: { plugins: [i18n] },
    })
    const after = w.get('tr[data-key="codes"] .audit-detail__after')
    expect(after.get('.is-added').text()).toBe('新增用户管理')
    expect(after.get('.is-removed').text()).toBe('移除审计日志')
    expect(w.get('tr[data-key="codes"] .audit-detail__before').text()).toBe('系统管理、审计日志')
  })

  it('shows the note, and says when there is nothing else', () => {
    const w = mount(AuditDetail, { props: { entry: entry({ note: '个人用户登录' }) }, global: { plugins: [i18n] } })
    expect(w.text()).toContain('说明：个人用户登录')
    expect(w.find('table').exists()).toBe(false)
    const empty = mount(AuditDetail, { props: { entry: entry(null) }, global: { plugins: [i18n] } })
    expect(empty.text()).toContain('无变更内容')
  })
})

describe('AUDIT_ACTIONS', () => {
  it('offers the API-key and webhook actions in the filter, each with a Chinese label', async () => {
    const { AUDIT_ACTIONS } = await import('@/utils/auditDiff')
    const keyAndHook = [
      'api_key_create',
      'api_key_revoke',
      'api_key_use',
      'webhook_create',
      'webhook_update',
      'webhook_delete',
      'webhook_redeliver',
    ]
    for (const a of keyAndHook) expect(AUDIT_ACTIONS as readonly string[]).toContain(a)
    const t = i18n.global.t
    const te = i18n.global.te
    for (const a of AUDIT_ACTIONS) {
      expect(te(`audit.actions.${a}`), a).toBe(true)
      expect(t(`audit.actions.${a}`)).toMatch(/[\u4e00-\u9fa5]/)
    }
  })
})
