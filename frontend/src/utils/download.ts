// Files behind the bearer token: a plain <a href> cannot send the Authorization header, so downloads go
// through the API client (token, refresh and error handling included) as a Blob, which is then saved
// under the name the server gives in Content-Disposition (filename*, RFC 6266 / RFC 5987).

/** The file name of a Content-Disposition header: filename* (UTF-8, percent-encoded) wins over filename. */
export function fileNameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*([^;]+)/i.exec(header)
  if (star) {
    let v = star[1]!.trim().replace(/^"(.*)"$/, '$1')
    // charset'language'value
    const parts = v.split("'")
    if (parts.length >= 3) v = parts.slice(2).join("'")
    try {
      const decoded = decodeURIComponent(v)
      if (decoded) return decoded
    } catch {
      // A malformed escape: try the plain parameter.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header)
  if (plain) {
    const v = (plain[2] ?? plain[1] ?? '').trim()
    if (v) return v
  }
  return fallback
}

/** Hands a Blob to the browser as a download. */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Firefox needs the URL to live until the download has started.
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

/**
 * Saves the answer of a blob call (`api.GET(path, { parseAs: 'blob' })`): the client has already thrown
 * ApiError for a failure. Returns the file name used.
 */
export async function saveDownload(call: Promise<{ data?: unknown; response: Response }>, fallbackName: string): Promise<string> {
  const { data, response } = await call
  const name = fileNameFromDisposition(response.headers.get('Content-Disposition'), fallbackName)
  const blob = data instanceof Blob ? data : new Blob([])
  saveBlob(blob, name)
  return name
}

/** A multipart body with one file field, for the client's POST (the schema types it as a string). */
export function fileForm(file: Blob, name = 'file', fileName?: string): { file: string } {
  const form = new FormData()
  if (fileName) form.append(name, file, fileName)
  else form.append(name, file)
  return form as unknown as { file: string }
}
