// Uploads one photo with progress (XMLHttpRequest's upload events; fetch has none) to POST /api/v1/files,
// with the session's access token — renewed first when it is about to expire, and once more when the
// server says it has expired. Failures are ApiErrors like the client's, so the caller can offer 重试.
import { api } from '@/api/client'
import { parseErrorBody, networkError, ApiError } from '@/api/errors'
import { tokenStore } from '@/api/tokens'
import { API_ORIGIN, API_PREFIX } from '@/config'
import { t } from '@/locales'

export interface SentFile {
  id: number
}

export interface SendHandle {
  promise: Promise<SentFile>
  abort(): void
}

const RENEWABLE = new Set(['token_expired', 'token_revoked'])

function once(file: Blob, name: string, onProgress: (fraction: number) => void, signal: { xhr?: XMLHttpRequest; aborted: boolean }) {
  return new Promise<SentFile>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    signal.xhr = xhr
    xhr.open('POST', `${API_ORIGIN.replace(/\/+$/, '')}${API_PREFIX}/files`)
    xhr.withCredentials = true
    const tok = tokenStore.get()
    if (tok) xhr.setRequestHeader('Authorization', `Bearer ${tok.access_token}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.min(1, e.loaded / e.total))
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        try {
          resolve(JSON.parse(xhr.responseText) as SentFile)
        } catch (e) {
          reject(networkError(e))
        }
        return
      }
      reject(parseErrorBody(xhr.status, xhr.responseText))
    }
    xhr.onerror = () => reject(networkError(new Error('upload failed')))
    xhr.ontimeout = xhr.onerror
    xhr.onabort = () => reject(new ApiError(0, 'aborted', t('photos.cancelled')))
    const form = new FormData()
    form.append('file', file, name)
    if (signal.aborted) {
      xhr.abort()
      return
    }
    xhr.send(form)
  })
}

/** Sends a photo; onProgress gets 0…1 as the bytes leave the device. */
export function sendPhoto(file: Blob, name: string, onProgress: (fraction: number) => void): SendHandle {
  const signal: { xhr?: XMLHttpRequest; aborted: boolean } = { aborted: false }
  const run = async () => {
    if (tokenStore.hasSession() && tokenStore.accessExpired()) await api.refresh()
    try {
      return await once(file, name, onProgress, signal)
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && RENEWABLE.has(e.code) && (await api.refresh())) {
        onProgress(0)
        return await once(file, name, onProgress, signal)
      }
      throw e
    }
  }
  return {
    promise: run(),
    abort() {
      signal.aborted = true
      signal.xhr?.abort()
    },
  }
}
