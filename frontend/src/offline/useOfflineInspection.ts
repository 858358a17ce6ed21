// The inspection form's side of the sync queue. Every save and submit goes through the queue with its own
// idempotency key: sent at once when the connection allows, kept on the device (IndexedDB) otherwise and sent
// in order when it returns. The form shows what is not yet synced, the answers kept on the device over the
// server's, and a refusal that came while the phone was offline (the period closed: 不可以补录) with the local
// draft kept until the user discards it.
import { computed, onUnmounted, provide, ref, type Ref } from 'vue'
import { ApiError } from '@/api/errors'
import type { AnswerInput, Inspection } from '@/api/types/inspection'
import type { AnswerDraft } from '@/views/inspection/answerRules'
import { syncQueue, unsynced } from './sync'
import { OFFLINE_PHOTOS, type QueuePhoto } from './keys'
import type { OpEvent } from './queue'
import type { QueuedOp } from './types'


/** An answer as the server takes it, back into the form's draft shape. */
export function draftFromInput(a: AnswerInput): AnswerDraft {
  return {
    item_id: a.item_id,
    result: a.result,
    description: a.description ?? '',
    grade_code: a.grade_code ?? '',
    location: a.location ?? '',
    fixed_on_spot: !!a.fixed_on_spot,
    spot_note: a.spot_note ?? '',
    na_reason: a.na_reason ?? '',
    photo_ids: a.photo_ids?.slice() ?? [],
  }
}

function refusal(op: QueuedOp | null | undefined): ApiError | null {
  if (!op?.error) return null
  return new ApiError(op.error.status, op.error.code, op.error.message)
}

export function useOfflineInspection(id: Ref<number>, hooks: { onServer: (i: Inspection, kind: 'save' | 'submit') => void; onRefused: (e: ApiError) => void }) {
  const q = syncQueue()
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
  const setOnline = () => (online.value = navigator.onLine)
  window.addEventListener('online', setOnline)
  window.addEventListener('offline', setOnline)
  const state = computed(() => unsynced.value.get(id.value))
  /** How many items (and photos) are kept on the device, not yet on the server. */
  const count = computed(() => (state.value ? state.value.items + state.value.photos : 0))
  const submitQueued = computed(() => !!state.value?.submit)
  const blocked = computed(() => refusal(state.value?.blocked))
  const waiting = new Set<number>()

  const off = q.subscribe((e: OpEvent) => {
    if (e.type === 'changed' || e.op.inspectionId !== id.value || waiting.has(e.op.seq!)) return
    if (e.type === 'synced' && e.op.kind !== 'upload') hooks.onServer(e.result as Inspection, e.op.kind)
    if (e.type === 'blocked') hooks.onRefused(e.error)
  })
  onUnmounted(() => {
    off()
    window.removeEventListener('online', setOnline)
    window.removeEventListener('offline', setOnline)
  })

  /**
   * Queues a write and sends it after what is queued before it. Resolves with the server's answer, or null
   * when it stays on the device (no connection); rejects with the server's refusal.
   */
  async function write(kind: 'save' | 'submit', answers: AnswerInput[]): Promise<Inspection | null> {
    if (!q.hasAccount()) return (await q.sendNow({ inspectionId: id.value, kind, answers })) as Inspection
    const op = await q.enqueue({ inspectionId: id.value, kind, answers })
    const seq = op.seq!
    waiting.add(seq)
    let stop = () => {}
    try {
      return await new Promise<Inspection | null>((resolve, reject) => {
        stop = q.subscribe((e) => {
          if (e.type === 'changed' || e.op.seq !== seq) return
          if (e.type === 'synced') resolve(e.result as Inspection)
          else reject(e.error)
        })
        void q.flush().then(async () => {
          const left = (await q.entries()).filter((o) => o.inspectionId === id.value)
          if (!left.some((o) => o.seq === seq)) return // settled by the events above
          const refused = refusal(left.find((o) => o.state === 'blocked'))
          if (refused) reject(refused)
          else resolve(null)
        }, reject)
      })
    } finally {
      stop()
      waiting.delete(seq)
    }
  }

  /** Puts the answers kept on the device over the server's; returns the items concerned. */
  async function overlay(drafts: AnswerDraft[]): Promise<number[]> {
    const byId = new Map(drafts.map((d, i) => [d.item_id, i]))
    const touched = new Set<number>()
    for (const op of await q.entries()) {
      if (op.inspectionId !== id.value) continue
      for (const a of op.answers ?? []) {
        const i = byId.get(a.item_id)
        if (i === undefined) continue
        drafts[i] = draftFromInput(a)
        touched.add(a.item_id)
      }
    }
    return [...touched]
  }

  /** Queues a photo taken while offline; answers refer to it by the negative id returned until it is uploaded. */
  const queuePhoto: QueuePhoto = async (file, name) => {
    const ref = -(Date.now() * 1000 + Math.floor(Math.random() * 1000))
    await q.enqueue({ inspectionId: id.value, kind: 'upload', file, fileName: name, ref })
    void q.flush()
    return ref
  }
  provide(OFFLINE_PHOTOS, queuePhoto)

  return {
    online,
    count,
    submitQueued,
    blocked,
    save: (answers: AnswerInput[]) => write('save', answers),
    submit: (answers: AnswerInput[]) => write('submit', answers),
    overlay,
    /** Deletes what the device kept for this inspection (the user's choice, after a refusal). */
    discard: () => q.discard(id.value),
    retry: () => q.retryNow(),
  }
}
