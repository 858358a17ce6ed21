// 岗位责任制 downloads go through the API client with the bearer token and are saved under the server's
// file name (Content-Disposition filename*, UTF-8), not through a plain link.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { tokenStore } from '@/api/tokens'
import { isApiError } from '@/api/errors'
import { documentPrecheck, downloadPostDocument, formatBytes, MAX_DOCUMENT_BYTES, uploadPostDocument } from '@/views/enterprise/postDocuments'
import { json, scriptedFetch } from './helpers'

function captureSaves() {
  const saved: Array<{ name: string; blob: Blob }> = []
  const blobs = new Map<string, Blob>()
  let n = 0
  vi.spyOn(URL, 'createObjectURL').mockImplementation((b: Blob | MediaSource) => {
    const url = `blob:test/${++n}`
    blobs.set(url, b as Blob)
    return url
  })
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.href)! })
  })
  return saved
}

beforeEach(() => {
  localStorage.clear()
  tokenStore.reload()
  tokenStore.set({ access_token: 'ACCESS-1', refresh_token: 'R', expires_in: 900 })
  setActivePinia(createPinia())
})

describe('downloadPostDocument', () => {
  it('sends the bearer token and saves the blob under the filename* name', async () => {
    const pdf = '%PDF-1.4 岗位责任制'
    const { fetch, sent } = scriptedFetch(
      () =>
        new Response(pdf, {
          status: 200,
          headers: {
            'Content-Type': 'application/pdf',
            'Content-Disposition': `attachment; filename="______.pdf"; filename*=UTF-8''${encodeURIComponent('叉车司机岗位责任制（2026版）.pdf')}`,
          },
        }),
    )
    vi.stubGlobal('fetch', fetch)
    const saved = captureSaves()
    const name = await downloadPostDocument(4, { id: 17, file_name: '旧名.pdf' })
    expect(sent).toHaveLength(1)
    expect(sent[0]!.method).toBe('GET')
    expect(sent[0]!.path).toBe('/api/v1/posts/4/documents/17/file')
    expect(sent[0]!.headers.get('Authorization')).toBe('Bearer ACCESS-1')
    expect(name).toBe('叉车司机岗位责任制（2026版）.pdf')
    expect(saved).toHaveLength(1)
    expect(saved[0]!.name).toBe('叉车司机岗位责任制（2026版）.pdf')
    expect(await saved[0]!.blob.text()).toBe(pdf)
  })

  it('falls back to the recorded file name when the header has none', async () => {
    const { fetch } = scriptedFetch(() => new Response('x', { status: 200, headers: { 'Content-Type': 'application/octet-stream' } }))
    vi.stubGlobal('fetch', fetch)
    const saved = captureSaves()
    expect(await downloadPostDocument(4, { id: 18, file_name: '库管员岗位责任制.docx' })).toBe('库管员岗位责任制.docx')
    expect(saved[0]!.name).toBe('库管员岗位责任制.docx')
  })

  it('turns a refusal into the server\'s ApiError and saves nothing', async () => {
    const { fetch } = scriptedFetch(() => json(404, { code: 'document_not_found', message: '文件不存在' }))
    vi.stubGlobal('fetch', fetch)
    const saved = captureSaves()
    const err = await downloadPostDocument(4, { id: 99, file_name: 'x.pdf' }).catch((e: unknown) => e)
    expect(isApiError(err) && err.code).toBe('document_not_found')
    expect(isApiError(err) && err.message).toBe('文件不存在')
    expect(saved).toHaveLength(0)
  })
})

describe('upload', () => {
  it('posts the file as multipart field "file" with its name', async () => {
    let body = ''
    const fetch = vi.fn(async (input: RequestInfo | URL) => {
      const req = input as Request
      expect(req.headers.get('Authorization')).toBe('Bearer ACCESS-1')
      expect(req.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/)
      body = new TextDecoder().decode(await req.arrayBuffer())
      return json(201, { id: 3, post_id: 4, version: 2, file_name: '岗位责任制.pdf', content_type: 'application/pdf', size: 8, sha256: '', uploaded_by: '管理员', uploaded_at: '2026-11-29T04:00:00Z' })
    })
    vi.stubGlobal('fetch', fetch)
    const doc = await uploadPostDocument(4, new File(['%PDF-1.4'], '岗位责任制.pdf', { type: 'application/pdf' }))
    expect(doc.version).toBe(2)
    expect(body).toMatch(/Content-Disposition: form-data; name="file"; filename="岗位责任制\.pdf"/)
    expect(body).toContain('%PDF-1.4')
  })

  it('shows the server\'s words for a refused type', async () => {
    const { fetch } = scriptedFetch(() => json(415, { code: 'document_type_not_allowed', message: '只能上传 PDF、Word（doc/docx/wps）或图片（jpg/png）文件' }))
    vi.stubGlobal('fetch', fetch)
    const err = await uploadPostDocument(4, new File(['MZ'], 'a.exe')).catch((e: unknown) => e)
    expect(isApiError(err) && err.code).toBe('document_type_not_allowed')
    expect(isApiError(err) && err.message).toContain('只能上传 PDF')
  })

  it('checks only size before sending; the type is the server\'s call', () => {
    expect(documentPrecheck({ size: 0 })).toBe('empty')
    expect(documentPrecheck({ size: MAX_DOCUMENT_BYTES })).toBeNull()
    expect(documentPrecheck({ size: MAX_DOCUMENT_BYTES + 1 })).toBe('too_large')
    expect([formatBytes(12), formatBytes(2048), formatBytes(300 * 1024), formatBytes(1.5 * 1024 * 1024)]).toEqual(['12 B', '2.0 KB', '300 KB', '1.5 MB'])
  })
})
