// 批量导入 of the regulator's registry: a refused file shows every problem as 行号 / 列 / 问题 and says
// nothing was imported; an accepted one lists the enterprises with their initial passwords.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError } from '@/api/errors'
import { i18n } from '@/locales'
import { tokenStore } from '@/api/tokens'
import type { ImportEnterprisesResult } from '@/api/types/registry'
import ImportEnterprisesDialog from '@/views/registry/ImportEnterprisesDialog.vue'
import { importedAsText, importedEnterprises, importOutcome, importProblems } from '@/views/registry/importResult'
import { json, scriptedFetch, type Handler } from './helpers'

const rejected = {
  code: 'import_rejected',
  message: '文件中有错误，未导入任何数据，请按提示修改后重新导入',
  details: {
    error_count: 4,
    errors: [
      { row: 3, column: '统一社会信用代码', message: '第3行：统一社会信用代码校验位不正确' },
      { row: 2, column: '所属区域', message: '第2行：辖区内没有区域“海淀区”' },
      { row: 2, column: '企业名称', message: '第2行：“企业名称”不能为空' },
      { row: 0, column: '', message: '文件中有公式' },
      { row: 4, column: '主营业务', message: '' },
    ],
  },
}

const result: ImportEnterprisesResult = {
  created: 2,
  enterprises: [
    {
      enterprise: { id: 11, name: '北京望京新材料有限公司', credit_code: '91350100M000100Y43', legal_rep: '李明', region_id: 4 } as ImportEnterprisesResult['enterprises'][number]['enterprise'],
      accounts: [
        { kind: 'enterprise_admin', kind_name: '企业管理账号', login_mode: '个人用户登录', username: '北京望京新材料有限公司', initial_password: 'BJWJX100Y435678', expires_at: '2026-12-28T10:00:00+08:00' },
        { kind: 'enterprise_user', kind_name: '企业用户', login_mode: '企业用户登录', username: '北京望京新材料有限公司 或 91350100M000100Y43', initial_password: 'BJWJX100Y435678', expires_at: '2026-12-28T10:00:00+08:00' },
      ],
    },
    {
      enterprise: { id: 12, name: '北京酒仙桥电子厂', credit_code: '91110105MA01ABCD13', legal_rep: '王强', region_id: 4 } as ImportEnterprisesResult['enterprises'][number]['enterprise'],
      accounts: [
        { kind: 'enterprise_user', kind_name: '企业用户', login_mode: '企业用户登录', username: '北京酒仙桥电子厂 或 91110105MA01ABCD13', initial_password: 'BJJXQABCD131234', expires_at: '2026-12-28T10:00:00+08:00' },
        { kind: 'enterprise_admin', kind_name: '企业管理账号', login_mode: '个人用户登录', username: '北京酒仙桥电子厂', initial_password: 'BJJXQABCD131234', expires_at: '2026-12-28T10:00:00+08:00' },
      ],
    },
  ],
}

describe('import outcome', () => {
  it('lists the problems by row, drops the repeated 第N行 prefix and skips empty ones', () => {
    expect(importProblems(rejected.details)).toEqual([
      { row: 2, column: '所属区域', message: '辖区内没有区域“海淀区”' },
      { row: 2, column: '企业名称', message: '“企业名称”不能为空' },
      { row: 3, column: '统一社会信用代码', message: '统一社会信用代码校验位不正确' },
      { row: null, column: '', message: '文件中有公式' },
    ])
  })

  it('reads import_rejected with the full problem count', () => {
    const o = importOutcome(new ApiError(400, rejected.code, rejected.message, rejected.details), '导入失败')
    expect(o.kind).toBe('rejected')
    if (o.kind !== 'rejected') return
    expect(o.message).toBe(rejected.message)
    expect(o.problems).toHaveLength(4)
    expect(o.total).toBe(4)
    const many = importOutcome(new ApiError(400, 'import_rejected', 'x', { error_count: 900, errors: rejected.details.errors }), '')
    expect(many.kind === 'rejected' && many.total).toBe(900)
  })

  it('names the missing columns of a wrong header', () => {
    const o = importOutcome(new ApiError(400, 'sheet_bad_header', '表头与模板不一致，请使用下载的模板', { missing_columns: ['主营业务', 7, '企业规模'] }), '')
    expect(o).toEqual({ kind: 'header', message: '表头与模板不一致，请使用下载的模板', missing: ['主营业务', '企业规模'] })
  })

  it('passes any other refusal through with its message', () => {
    expect(importOutcome(new ApiError(415, 'not_xlsx', '文件不是有效的 Excel（.xlsx）文件'), '')).toEqual({
      kind: 'failed',
      message: '文件不是有效的 Excel（.xlsx）文件',
      code: 'not_xlsx',
    })
    expect(importOutcome(new Error('boom'), '导入失败')).toEqual({ kind: 'failed', message: '导入失败', code: 'unknown' })
  })

  it('lists the created enterprises with both user names and the initial password', () => {
    const rows = importedEnterprises(result)
    expect(rows).toEqual([
      {
        name: '北京望京新材料有限公司',
        creditCode: '91350100M000100Y43',
        adminUsername: '北京望京新材料有限公司',
        userUsername: '北京望京新材料有限公司 或 91350100M000100Y43',
        password: 'BJWJX100Y435678',
      },
      {
        name: '北京酒仙桥电子厂',
        creditCode: '91110105MA01ABCD13',
        adminUsername: '北京酒仙桥电子厂',
        userUsername: '北京酒仙桥电子厂 或 91110105MA01ABCD13',
        password: 'BJJXQABCD131234',
      },
    ])
    expect(importedEnterprises(null)).toEqual([])
    expect(importedAsText(rows.slice(0, 1), ['名称', '代码', '管理', '企业', '密码']).split('\n')).toEqual([
      '名称\t代码\t管理\t企业\t密码',
      '北京望京新材料有限公司\t91350100M000100Y43\t北京望京新材料有限公司\t北京望京新材料有限公司 或 91350100M000100Y43\tBJWJX100Y435678',
    ])
  })
})

describe('ImportEnterprisesDialog', () => {
  beforeEach(() => {
    document.body.innerHTML = ''
    localStorage.clear()
    tokenStore.reload()
    tokenStore.set({ access_token: 'A', refresh_token: 'R', expires_in: 900 })
    setActivePinia(createPinia())
  })

  async function open(handler: Handler) {
    const { fetch, sent } = scriptedFetch(handler)
    vi.stubGlobal('fetch', fetch)
    const visible = ref(false)
    const imported = vi.fn()
    const Host = defineComponent({
      setup: () => () => h(ImportEnterprisesDialog, { modelValue: visible.value, 'onUpdate:modelValue': (v: boolean) => (visible.value = v), onImported: imported }),
    })
    mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
    visible.value = true
    await flushPromises()
    const input = document.querySelector<HTMLInputElement>('[data-test="import-input"]')!
    const file = new File(['PK fake'], '企业.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
    Object.defineProperty(input, 'files', { value: [file], configurable: true })
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    document.querySelector<HTMLElement>('[data-test="import-submit"]')!.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 10))
    await flushPromises()
    return { sent, imported }
  }

  it('shows a refused file as a table and says nothing was imported', async () => {
    const { sent, imported } = await open(() => json(400, rejected))
    const post = sent.find((s) => s.path === '/api/v1/regulator/enterprise-import')
    expect(post?.method).toBe('POST')
    expect(post?.headers.get('Authorization')).toBe('Bearer A')
    const failure = document.querySelector('[data-test="import-failure"]')!.textContent!
    expect(failure).toContain('文件中有错误，未导入任何数据')
    expect(failure).toContain('共 4 处问题')
    const rows = Array.from(document.querySelectorAll('[data-test="import-errors"] .el-table__body tr')).map((tr) =>
      Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim()),
    )
    expect(rows).toEqual([
      ['2', '所属区域', '辖区内没有区域“海淀区”'],
      ['2', '企业名称', '“企业名称”不能为空'],
      ['3', '统一社会信用代码', '统一社会信用代码校验位不正确'],
      ['—', '整行', '文件中有公式'],
    ])
    expect(imported).not.toHaveBeenCalled()
  })

  it('lists the registered enterprises with their initial passwords', async () => {
    const { imported } = await open(() => json(201, result))
    expect(document.querySelector('[data-test="import-success"]')!.textContent).toContain('已登记 2 家企业')
    const passwords = Array.from(document.querySelectorAll('[data-test="import-password"]')).map((e) => e.textContent)
    expect(passwords).toEqual(['BJWJX100Y435678', 'BJJXQABCD131234'])
    expect(imported).toHaveBeenCalledWith(2)
  })
})
