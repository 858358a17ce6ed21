// 岗位责任制 (FAQ 16): each post's responsibility document, uploaded in versions. Downloads need the bearer
// token, so they go through the API client as a Blob and are saved under the name the server sends in
// Content-Disposition (filename*, UTF-8), not through a plain link.
import { api, ok } from '@/api/client'
import type { PostDocument } from '@/api/types/enterprise'
import { fileForm, saveDownload } from '@/utils/download'

/** The largest document the server takes (10 MB). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

/** For the file chooser only: the server decides the type from the content, never from the name. */
export const DOCUMENT_ACCEPT = '.pdf,.doc,.docx,.wps,.jpg,.jpeg,.png'

/**
 * What can be said about a file before sending it: empty or over the size limit (the server refuses
 * both anyway; this spares uploading 50 MB to hear it). The type is left to the server's content check.
 */
export function documentPrecheck(file: { size: number }): 'empty' | 'too_large' | null {
  if (file.size <= 0) return 'empty'
  if (file.size > MAX_DOCUMENT_BYTES) return 'too_large'
  return null
}

/** 1.5 MB, 320 KB, 12 B. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return ''
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** Uploads a new version; resolves with it, or rejects with the server's ApiError. */
export function uploadPostDocument(postId: number, file: File): Promise<PostDocument> {
  return ok(api.POST('/api/v1/posts/{id}/documents', { params: { path: { id: postId } }, body: fileForm(file, 'file', file.name) }))
}

/** The versions of a post's document, newest (the current one) first. */
export async function listPostDocuments(postId: number): Promise<PostDocument[]> {
  return (await ok(api.GET('/api/v1/posts/{id}/documents', { params: { path: { id: postId } } }))) ?? []
}

/**
 * Downloads one version with the signed-in user's token and hands it to the browser. Returns the file
 * name used: the server's (filename*), else the version's recorded name.
 */
export function downloadPostDocument(postId: number, doc: Pick<PostDocument, 'id' | 'file_name'>): Promise<string> {
  return saveDownload(
    api.GET('/api/v1/posts/{id}/documents/{doc}/file', { params: { path: { id: postId, doc: doc.id } }, parseAs: 'blob' }),
    doc.file_name || 'document',
  )
}
