// The app's one sync queue: IndexedDB on the device, the API with an Idempotency-Key per entry, the signed-in
// account from the auth store, a run when the connection returns (online event), when the app starts and
// when the page comes back to the foreground, and retries with a growing pause in between.
import { ref, watch } from 'vue'
import { api, ok } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { fileForm } from '@/utils/download'
import { idbStore, memoryStore } from './store'
import { SyncQueue, unsyncedByInspection, type Unsynced } from './queue'
import type { QueuedOp } from './types'

async function send(op: QueuedOp): Promise<unknown> {
  const header = { 'Idempotency-Key': op.key }
  const path = { id: op.inspectionId }
  switch (op.kind) {
    case 'save':
      return ok(api.PUT('/api/v1/inspections/{id}/answers', { params: { path, header }, body: { answers: op.answers ?? [] } }))
    case 'submit':
      return ok(api.POST('/api/v1/inspections/{id}/submit', { params: { path, header }, body: { answers: op.answers ?? [] } }))
    case 'upload':
      return ok(api.POST('/api/v1/files', { params: { header }, body: fileForm(op.file!, 'file', op.fileName) }))
  }
}

let queue: SyncQueue | null = null
/** What is not yet on the server, per inspection id; refreshed on every change of the queue. */
export const unsynced = ref(new Map<number, Unsynced>())

async function recount() {
  if (!queue) return
  try {
    unsynced.value = unsyncedByInspection(await queue.entries())
  } catch {
    // IndexedDB unavailable: the counts stay as they were.
  }
}

/** The queue, created on first use. */
export function syncQueue(): SyncQueue {
  if (!queue) {
    const auth = useAuthStore()
    const store = typeof indexedDB === 'undefined' ? memoryStore() : idbStore
    queue = new SyncQueue({ store, send, account: () => auth.user?.id ?? null })
    queue.subscribe((e) => {
      if (e.type === 'changed') void recount()
    })
    if (typeof window !== 'undefined') {
      window.addEventListener('online', () => void queue!.retryNow())
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible' && navigator.onLine) void queue!.flush()
      })
    }
    // Signed in (again, after a session that ended offline): send what this account left queued.
    watch(
      () => auth.user?.id,
      (v) => {
        if (v) void recount().then(() => queue!.flush())
        else unsynced.value = new Map()
      },
      { immediate: true },
    )
  }
  return queue
}

/** Starts syncing what an earlier visit left queued (called once the user's profile is known). */
export function startSync() {
  const q = syncQueue()
  void recount().then(() => q.flush())
}
