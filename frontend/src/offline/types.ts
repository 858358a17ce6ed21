// What the device keeps while a write cannot reach the server: one entry per write, in the order the user
// made them. Every entry carries the idempotency key it was given when it was queued; each retry sends the
// same key, so the server carries the write out once however often the answer is lost (api/idempotency.go).
import type { AnswerInput } from '@/api/types/inspection'

export type OpKind = 'save' | 'submit' | 'upload'

/** Why an entry stopped: the server refused it (the period closed, an invalid answer…). */
export interface OpError {
  status: number
  code: string
  message: string
}

export interface QueuedOp {
  /** The queue's order (assigned by the store). */
  seq?: number
  /** The account that made the write; only its own entries are sent with its token. */
  account: number
  inspectionId: number
  kind: OpKind
  /** The Idempotency-Key, generated once when queued and reused on every retry. */
  key: string
  /** save / submit: the answers, whose photo_ids may hold a queued photo's local reference (negative). */
  answers?: AnswerInput[]
  /** upload: the photo and its name; ref is the negative id that answers use until the upload is done. */
  file?: Blob
  fileName?: string
  ref?: number
  queuedAt: number
  attempts: number
  /** pending: to be sent; blocked: the server refused it, kept for the user to see (never dropped silently). */
  state: 'pending' | 'blocked'
  error?: OpError
}

/** Where the queue lives: IndexedDB in the app (store.ts), memory in unit tests. */
export interface OpStore {
  add(op: QueuedOp): Promise<number>
  /** The account's entries in queue order. */
  list(account: number): Promise<QueuedOp[]>
  put(op: QueuedOp): Promise<void>
  delete(seq: number): Promise<void>
  /** A queued photo's server id once uploaded. */
  setRef(account: number, ref: number, fileId: number): Promise<void>
  getRefs(account: number): Promise<Map<number, number>>
}
