// Shared test helpers: a scripted fetch that records what the app sent.
import { vi } from 'vitest'

export interface SentRequest {
  method: string
  path: string
  headers: Headers
  body: unknown
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

export function text(status: number, body: string, contentType = 'text/html'): Response {
  return new Response(body, { status, headers: { 'Content-Type': contentType } })
}

export type Handler = (req: SentRequest) => Response | Promise<Response>

/** A fetch that answers from `handler` and keeps every request it saw. */
export function scriptedFetch(handler: Handler) {
  const sent: SentRequest[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(String(input), init)
    const raw = await req.text()
    let body: unknown = undefined
    if (raw) {
      try {
        body = JSON.parse(raw)
      } catch {
        body = raw
      }
    }
    const url = new URL(req.url, 'http://localhost')
    const s: SentRequest = { method: req.method, path: url.pathname, headers: req.headers, body }
    sent.push(s)
    return handler(s)
  })
  return { fetch: fn as unknown as typeof globalThis.fetch, sent }
}

/** Waits until pending promises and Vue updates have run. */
export async function flush(times = 5) {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0))
}
