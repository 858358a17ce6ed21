// Photos are served by GET /api/v1/files/{id} behind the bearer token, so an <img src> cannot load them
// directly: each is fetched once through the API client as a Blob and shown from an object URL. The
// cache keeps the most recent photos of the session and frees the rest.
import { api } from '@/api/client'

const MAX_CACHED = 200
const cache = new Map<number, Promise<string>>()

function evict() {
  while (cache.size > MAX_CACHED) {
    const oldest = cache.keys().next().value as number
    const p = cache.get(oldest)
    cache.delete(oldest)
    void p?.then((url) => URL.revokeObjectURL(url)).catch(() => undefined)
  }
}

/** An object URL for photo `id` (rejects with ApiError when it cannot be loaded). */
export function photoUrl(id: number): Promise<string> {
  const hit = cache.get(id)
  if (hit) {
    // Most recently used last.
    cache.delete(id)
    cache.set(id, hit)
    return hit
  }
  const p = api
    .GET('/api/v1/files/{id}', { params: { path: { id } }, parseAs: 'blob' })
    .then(({ data }) => {
      if (!(data instanceof Blob)) throw new Error('not an image')
      return URL.createObjectURL(data)
    })
  cache.set(id, p)
  // A failure is not cached: the next view tries again.
  p.catch(() => {
    if (cache.get(id) === p) cache.delete(id)
  })
  evict()
  return p
}

/** Shows a just-uploaded file from the browser's own copy, without downloading it again. */
export function rememberLocalPhoto(id: number, file: Blob) {
  cache.set(id, Promise.resolve(URL.createObjectURL(file)))
  evict()
}

/** Accepted photo types and size (the server's limits: JPG, PNG, WebP, 8 MB). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp']
export const PHOTO_MAX_BYTES = 8 << 20
