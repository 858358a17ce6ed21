// A refused checklist import (FAQ 19): details.errors of `import_rejected` become the 行号 / 列 / 问题
// table, the dialog says that nothing was imported, and a clean import shows its counts.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { i18n } from '@/locales'
import { ApiError } from '@/api/errors'
import { tokenStore } from '@/api/tokens'
import ChecklistImportDialog from '@/views/standard/ChecklistImportDialog.vue'
import { describeImportFailure, importErrorRows } from '@/views/standard/importErrors'
import { json, scriptedFetch, type Handler } from './helpers'

const rejected = {
  code: 'import_rejected',
  message: '文件中有错误，未导入任何数据，请按提示修改后重新导入',
  details: {
    error_count: 3,
    errors: [
      { row: 13, column: '岗位', message: "第13行：部门'仓储部'下不存在'叉车司机'岗位" },
      { row: 12, column: '部门', message: "第12行：公司不存在'仓储部'部门" },
      { row: 12, column: '', message: '第12行：排查内容不能为空' },
    ],
  },
}

describe('import error mapping', () => {
  it('maps details.errors to rows sorted by row number, keeping the server order within a row', () => {
    expect(importErrorRows(rejected.details)).toEqual([
      { row: 12, column: '部门', message: "第12行：公司不存在'仓储部'部门" },
      { row: 12, column: '', message: '第12行：排查内容不能为空' },
      { row: 13, column: '岗位', message: "第13行：部门'仓储部'下不存在'叉车司机'岗位" },
    ])
  })

  it('skips entries without a message and keeps row-less problems last', () => {
    const rows = importErrorRows({ errors: [{ row: 0, column: '', message: '文件中没有数据' }, { row: 5 }, 'x', { row: '7', column: '类别', message: ' 第7行：类别为空 ' }] })
    expect(rows).toEqual([
      { row: 7, column: '类别', message: '第7行：类别为空' },
      { row: null, column: '', message: '文件中没有数据' },
    ])
    expect(importErrorRows({})).toEqual([])
  })

  it('describes each kind of failure', () => {
    const e = new ApiError(400, rejected.code, rejected.message, rejected.details)
    const rows = describeImportFailure(e, 'x')
    expect(rows.kind).toBe('rows')
    expect(rows.kind === 'rows' && rows.total).toBe(3)
    const truncated = describeImportFailure(new ApiError(400, 'import_rejected', 'm', { error_count: 812, errors: rejected.details.errors }), 'x')
    expect(truncated.kind === 'rows' && truncated.total).toBe(812)
    const header = describeImportFailure(new ApiError(400, 'sheet_bad_header', '表头与模板不一致', { missing_columns: ['部门', '岗位'] }), 'x')
    expect(header).toEqual({ kind: 'header', message: '表头与模板不一致', missing: ['部门', '岗位'] })
    expect(describeImportFailure(new ApiError(415, 'not_xlsx', '不是 Excel'), 'x')).toEqual({ kind: 'message', message: '不是 Excel' })
    expect(describeImportFailure(new Error('boom'), '系统错误')).toEqual({ kind: 'message', message: '系统错误' })
  })
})

describe('ChecklistImportDialog', () => {
  beforeEach(() => {
    localStorage.clear()
    tokenStore.reload()
    document.body.innerHTML = ''
    setActivePinia(createPinia())
  })

  async function openAndUpload(handler: Handler) {
    const { fetch, sent } = scriptedFetch(handler)
    vi.stubGlobal('fetch', fetch)
    const imported = vi.fn()
    const w = mount(ChecklistImportDialog, { props: { modelValue: false, onImported: imported }, global: { plugins: [i18n] }, attachTo: document.body })
    await w.setProps({ modelValue: true })
    await flushPromises()
    const input = document.querySelector<HTMLInputElement>('[data-test="import-dialog"] input[type="file"]')!
    const file = new File(['PK'], '岗位清单.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
    Object.defineProperty(input, 'files', { value: [file], configurable: true })
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    document.querySelector<HTMLButtonElement>('[data-test="import-submit"]')!.click()
    await flushPromises()
    await flushPromises()
    return { w, sent, imported }
  }

  it('lists every problem as 行号 / 列 / 问题 and says nothing was imported', async () => {
    const { sent, imported } = await openAndUpload((req) => (req.path === '/api/v1/checklist-import' ? json(400, rejected) : json(404, {})))
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual(['POST /api/v1/checklist-import'])
    // The file goes as multipart field `file`.
    expect(sent[0]!.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/)
    expect(String(sent[0]!.body)).toContain('name="file"; filename=')
    const box = document.querySelector('[data-test="import-errors"]') as HTMLElement
    expect(box.textContent).toContain('导入失败，未导入任何数据')
    expect(box.textContent).toContain('共发现 3 处问题')
    const headers = Array.from(box.querySelectorAll('th')).map((th) => th.textContent!.trim())
    expect(headers).toEqual(['行号', '列', '问题'])
    const rows = Array.from(box.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim()))
    expect(rows).toEqual([
      ['12', '部门', "第12行：公司不存在'仓储部'部门"],
      ['12', '—', '第12行：排查内容不能为空'],
      ['13', '岗位', "第13行：部门'仓储部'下不存在'叉车司机'岗位"],
    ])
    expect(imported).not.toHaveBeenCalled()
    expect(document.querySelector('[data-test="import-success"]')).toBeNull()
  })

  it('shows the counts of a clean import', async () => {
    const result = { rows: 40, categories_created: 2, items_created: 30, items_updated: 10, checklists_created: 3, checklists_updated: 1, links_created: 40 }
    const { imported } = await openAndUpload(() => json(200, result))
    const box = document.querySelector('[data-test="import-success"]') as HTMLElement
    expect(box.textContent).toContain('导入成功')
    expect(box.textContent).toContain('新建条目')
    expect(box.textContent).toContain('30')
    expect(imported).toHaveBeenCalledWith(result)
    expect(document.querySelector('[data-test="import-errors"]')).toBeNull()
  })
})
