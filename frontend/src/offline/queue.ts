// The sync queue: the writes made while the signal was gone, sent in the order they were made once it is
// back (the online event, then retries with a growing pause). One inspection's entries go strictly in order:
// when the server refuses one (the period closed while the phone was offline, an invalid answer), it and
// every later entry of that inspection stay on the device, marked blocked with the server's message, and
// other inspections carry on. A network failure or a session that must be renewed by signing in again stops
// the whole run; nothing is dropped, and the next run sends the same entries with the same keys.
import { ApiError, isApiError } from '@/api/errors'
import type { AnswerInput } from '@/api/types/inspection'
import type { OpStore, QueuedOp } from './types'

/** Sends one entry (photo ids already resolved) and returns the server's answer. */
export type Sender = (op: QueuedOp) => Promise<unknown>

export interface QueueOptions {
  store: OpStore
  send: Sender
  /** The signed-in account, or null (nothing is sent then). */
  account: () => number | null
  /** Pauses between retries after a network failure, in ms; the last one repeats. */
  backoff?: number[]
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (t: unknown) => void
}

/** What one entry became. */
export type OpEvent =
  | { type: 'synced'; op: QueuedOp; result: unknown }
  | { type: 'blocked'; op: QueuedOp; error: ApiError }
  | { type: 'changed' }

/** A fresh idempotency key (a random UUID; getRandomValues where randomUUID is missing, e.g. plain http). */
export function newKey(): string {
  const c = globalThis.crypto
  if (c?.randomUUID) return c.randomUUID()
  const b = new Uint8Array(16)
  c.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

/** Errors after which the entry is worth sending again later, as it is. */
function retryable(e: unknown): boolean {
  if (!isApiError(e)) return true
  return e.isNetworkError || e.status === 401 || e.status === 408 || e.status === 429 || e.status >= 500 || e.code === 'idempotency_in_progress'
}

/** Replaces queued photos' local references (negative ids) by their server ids. */
export function resolvePhotos(answers: AnswerInput[] | undefined, refs: Map<number, number>): AnswerInput[] | undefined {
  if (!answers) return answers
  return answers.map((a) => {
    const ids = a.photo_ids
    if (!ids?.some((x) => x < 0)) return a
    return { ...a, photo_ids: ids.map((x) => (x < 0 ? (refs.get(x) ?? x) : x)) }
  })
}

export class SyncQueue {
  private readonly o: Required<QueueOptions>
  private running: Promise<void> | null = null
  private again = false
  private failures = 0
  private timer: unknown = null
  private readonly listeners = new Set<(e: OpEvent) => void>()

  constructor(o: QueueOptions) {
    this.o = {
      backoff: [1000, 2000, 5000, 10000, 30000, 60000],
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      ...o,
    }
  }

  subscribe(fn: (e: OpEvent) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private emit(e: OpEvent) {
    for (const fn of this.listeners) fn(e)
  }

  /** Whether an account is known to queue for (the profile is loaded). */
  hasAccount(): boolean {
    return this.o.account() !== null
  }

  /** Sends a write at once, not queued (no account known to keep it for); still with a key of its own. */
  sendNow(op: Omit<QueuedOp, 'account' | 'key' | 'queuedAt' | 'attempts' | 'state' | 'seq'>): Promise<unknown> {
    return this.o.send({ ...op, account: 0, key: newKey(), queuedAt: Date.now(), attempts: 0, state: 'pending' })
  }

  /** Queues a write for the signed-in account; returns the entry (with its seq and key). */
  async enqueue(op: Omit<QueuedOp, 'account' | 'key' | 'queuedAt' | 'attempts' | 'state' | 'seq'> & { key?: string }): Promise<QueuedOp> {
    const account = this.o.account()
    if (account === null) throw new Error('no signed-in account')
    const full: QueuedOp = { ...op, account, key: op.key ?? newKey(), queuedAt: Date.now(), attempts: 0, state: 'pending' }
    full.seq = await this.o.store.add(full)
    this.emit({ type: 'changed' })
    return full
  }

  /** The account's entries in order (pending and blocked). */
  async entries(): Promise<QueuedOp[]> {
    const account = this.o.account()
    return account === null ? [] : this.o.store.list(account)
  }

  /** Forgets an inspection's blocked entries (the user chose to discard the local draft). */
  async discard(inspectionId: number): Promise<void> {
    for (const op of await this.entries()) {
      if (op.inspectionId === inspectionId) await this.o.store.delete(op.seq!)
    }
    this.emit({ type: 'changed' })
  }

  /** Sends what is pending, in order; a run already going is followed by one more. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          await this.run()
        } while (this.again)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  private schedule() {
    if (this.timer !== null) return
    const b = this.o.backoff
    const ms = b[Math.min(this.failures, b.length - 1)]!
    this.failures++
    this.timer = this.o.setTimer(() => {
      this.timer = null
      void this.flush()
    }, ms)
  }

  /** Stops a pending retry and sends now (the connection came back). */
  retryNow(): Promise<void> {
    if (this.timer !== null) {
      this.o.clearTimer(this.timer)
      this.timer = null
    }
    this.failures = 0
    return this.flush()
  }

  private async run() {
    const account = this.o.account()
    if (account === null) return
    const ops = await this.o.store.list(account)
    const blocked = new Set(ops.filter((o) => o.state === 'blocked').map((o) => o.inspectionId))
    for (const op of ops) {
      if (op.state === 'blocked' || blocked.has(op.inspectionId)) continue
      if (this.o.account() !== account) return // signed out or another account meanwhile
      const refs = await this.o.store.getRefs(account)
      const sendable: QueuedOp = { ...op, answers: resolvePhotos(op.answers, refs) }
      let result: unknown
      try {
        result = await this.o.send(sendable)
      } catch (e) {
        op.attempts++
        if (retryable(e)) {
          await this.o.store.put(op)
          this.schedule()
          return // in order: nothing after it goes first
        }
        const err = e as ApiError
        op.state = 'blocked'
        op.error = { status: err.status, code: err.code, message: err.message }
        await this.o.store.put(op)
        blocked.add(op.inspectionId)
        this.emit({ type: 'blocked', op, error: err })
        this.emit({ type: 'changed' })
        continue
      }
      if (op.kind === 'upload' && op.ref !== undefined) {
        const id = (result as { id?: number } | undefined)?.id
        if (typeof id === 'number') await this.o.store.setRef(account, op.ref, id)
      }
      await this.o.store.delete(op.seq!)
      this.failures = 0
      this.emit({ type: 'synced', op, result })
      this.emit({ type: 'changed' })
    }
  }
}

/** What is not yet on the server, per inspection: the items of its queued answers, photos, a submission. */
export interface Unsynced {
  items: number
  photos: number
  submit: boolean
  blocked: QueuedOp | null
}

export function unsyncedByInspection(ops: QueuedOp[]): Map<number, Unsynced> {
  const out = new Map<number, Unsynced & { ids: Set<number> }>()
  for (const op of ops) {
    let u = out.get(op.inspectionId)
    if (!u) {
      u = { items: 0, photos: 0, submit: false, blocked: null, ids: new Set() }
      out.set(op.inspectionId, u)
    }
    for (const a of op.answers ?? []) u.ids.add(a.item_id)
    if (op.kind === 'upload') u.photos++
    if (op.kind === 'submit') u.submit = true
    if (op.state === 'blocked' && !u.blocked) u.blocked = op
    u.items = u.ids.size
  }
  return new Map([...out].map(([k, { ids: _ids, ...u }]) => [k, u]))
}
