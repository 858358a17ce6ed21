// The queue's IndexedDB store (idb): database yqyb-offline, object store ops (auto-numbered seq, an index
// by account) and refs (a queued photo's local reference → its server id).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { OpStore, QueuedOp } from './types'

interface OfflineDB extends DBSchema {
  ops: { key: number; value: QueuedOp; indexes: { account: number } }
  refs: { key: [number, number]; value: { account: number; ref: number; fileId: number } }
}

let opened: Promise<IDBPDatabase<OfflineDB>> | null = null

function db(): Promise<IDBPDatabase<OfflineDB>> {
  if (!opened) {
    opened = openDB<OfflineDB>('yqyb-offline', 1, {
      upgrade(d) {
        const ops = d.createObjectStore('ops', { keyPath: 'seq', autoIncrement: true })
        ops.createIndex('account', 'account')
        d.createObjectStore('refs', { keyPath: ['account', 'ref'] })
      },
    })
  }
  return opened
}

/** The IndexedDB store of the queue. */
export const idbStore: OpStore = {
  async add(op) {
    const copy = { ...op }
    delete copy.seq
    return (await db()).add('ops', copy as QueuedOp)
  },
  async list(account) {
    const all = await (await db()).getAllFromIndex('ops', 'account', account)
    return all.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
  },
  async put(op) {
    await (await db()).put('ops', op)
  },
  async delete(seq) {
    await (await db()).delete('ops', seq)
  },
  async setRef(account, ref, fileId) {
    await (await db()).put('refs', { account, ref, fileId })
  },
  async getRefs(account) {
    const rows = await (await db()).getAll('refs')
    return new Map(rows.filter((r) => r.account === account).map((r) => [r.ref, r.fileId]))
  },
}

/** A store in memory, for unit tests and browsers without IndexedDB (private modes of old browsers). */
export function memoryStore(): OpStore {
  const ops = new Map<number, QueuedOp>()
  const refs = new Map<string, number>()
  let next = 1
  return {
    async add(op) {
      const seq = next++
      ops.set(seq, { ...op, seq })
      return seq
    },
    async list(account) {
      return [...ops.values()].filter((o) => o.account === account).sort((a, b) => a.seq! - b.seq!).map((o) => ({ ...o }))
    },
    async put(op) {
      ops.set(op.seq!, { ...op })
    },
    async delete(seq) {
      ops.delete(seq)
    },
    async setRef(account, ref, fileId) {
      refs.set(`${account}:${ref}`, fileId)
    },
    async getRefs(account) {
      const out = new Map<number, number>()
      for (const [k, v] of refs) {
        const [a, r] = k.split(':').map(Number)
        if (a === account) out.set(r!, v)
      }
      return out
    },
  }
}
