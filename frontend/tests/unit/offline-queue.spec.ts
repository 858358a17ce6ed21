import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/errors'
import { SyncQueue, unsyncedByInspection } from '@/offline/queue'
import { memoryStore } from '@/offline/store'
import type { QueuedOp } from '@/offline/types'

const offline = () => new ApiError(0, 'network_error', '网络连接失败')
const closed = () => new ApiError(410, 'period_closed', '上报周期“2026-11-28”已于 2026-11-28 24:00 结束，不能再填报或修改（不可以补录）')

/** A queue over memory whose sender records what it sent and fails as the script says. */
function setup(script: (op: QueuedOp, n: number) => unknown = () => ({})) {
  const sent: QueuedOp[] = []
  const timers: { fn: () => void; ms: number }[] = []
  const store = memoryStore()
  const q = new SyncQueue({
    store,
    account: () => 7,
    send: async (op) => {
      sent.push(op)
      const r = script(op, sent.length)
      if (r instanceof Error) throw r
      return r
    },
    backoff: [1000, 2000, 4000],
    setTimer: (fn, ms) => {
      timers.push({ fn, ms })
      return timers.length
    },
    clearTimer: () => {},
  })
  return { q, sent, timers, store }
}

const save = (inspectionId: number, itemId: number) => ({ inspectionId, kind: 'save' as const, answers: [{ item_id: itemId, result: 'ok' as const }] })

describe('sync queue', () => {
  it('sends the entries in the order they were made, each with its own key', async () => {
    const { q, sent } = setup()
    const a = await q.enqueue(save(1, 10))
    const b = await q.enqueue(save(2, 20))
    const c = await q.enqueue({ inspectionId: 1, kind: 'submit', answers: [] })
    await q.flush()
    expect(sent.map((o) => o.seq)).toEqual([a.seq, b.seq, c.seq])
    expect(new Set(sent.map((o) => o.key)).size).toBe(3)
    expect(await q.entries()).toEqual([])
  })

  it('stops at a network failure, keeps the entries and sends them again in order with the same keys after a growing pause', async () => {
    let down = true
    const { q, sent, timers } = setup((op) => (down && op.kind === 'submit' ? offline() : {}))
    await q.enqueue(save(1, 10))
    const sub = await q.enqueue({ inspectionId: 1, kind: 'submit', answers: [] })
    await q.enqueue(save(2, 20)) // after the submit: waits for it, even though another inspection
    await q.flush()
    expect(sent.map((o) => o.kind)).toEqual(['save', 'submit'])
    expect((await q.entries()).map((o) => o.seq)).toEqual([sub.seq, sub.seq! + 1])
    expect(timers.map((t) => t.ms)).toEqual([1000])
    timers[0]!.fn() // the pause is over: the run it starts fails again and the next pause is longer
    await new Promise((r) => setTimeout(r, 0))
    expect(timers.map((t) => t.ms)).toEqual([1000, 2000])
    down = false
    await q.retryNow()
    const submits = sent.filter((o) => o.kind === 'submit')
    expect(submits).toHaveLength(3)
    expect(new Set(submits.map((o) => o.key))).toEqual(new Set([sub.key]))
    expect(sent.at(-1)!.inspectionId).toBe(2)
    expect(await q.entries()).toEqual([])
  })

  it('keeps a refused entry and the later entries of its inspection, blocked with the message, while other inspections go on', async () => {
    const { q, sent } = setup((op) => (op.inspectionId === 1 && op.kind === 'save' ? closed() : {}))
    const events: string[] = []
    q.subscribe((e) => e.type !== 'changed' && events.push(`${e.type}:${e.op.inspectionId}:${e.op.kind}`))
    await q.enqueue(save(1, 10))
    await q.enqueue({ inspectionId: 1, kind: 'submit', answers: [] })
    await q.enqueue(save(2, 20))
    await q.flush()
    expect(sent.map((o) => `${o.inspectionId}:${o.kind}`)).toEqual(['1:save', '2:save'])
    expect(events).toEqual(['blocked:1:save', 'synced:2:save'])
    const left = await q.entries()
    expect(left.map((o) => [o.kind, o.state])).toEqual([
      ['save', 'blocked'],
      ['submit', 'pending'],
    ])
    expect(left[0]!.error).toMatchObject({ code: 'period_closed', status: 410 })
    expect(left[0]!.error!.message).toContain('不可以补录')
    // Later runs do not send them again, and nothing is dropped until the user discards it.
    await q.flush()
    expect(sent).toHaveLength(2)
    const u = unsyncedByInspection(left).get(1)!
    expect(u).toMatchObject({ items: 1, submit: true })
    expect(u.blocked?.error?.code).toBe('period_closed')
    await q.discard(1)
    expect(await q.entries()).toEqual([])
  })

  it('puts the server id of a photo uploaded from the queue into the answers queued after it', async () => {
    const { q, sent } = setup((op) => (op.kind === 'upload' ? { id: 55 } : {}))
    await q.enqueue({ inspectionId: 1, kind: 'upload', file: new Blob(['x']), fileName: 'a.jpg', ref: -3 })
    await q.enqueue({ inspectionId: 1, kind: 'save', answers: [{ item_id: 10, result: 'hazard', description: '漏电', grade_code: 'A', photo_ids: [7, -3] }] })
    await q.flush()
    expect(sent[1]!.answers![0]!.photo_ids).toEqual([7, 55])
  })

  it('counts what is not yet synced per inspection: distinct items, photos and a submission', () => {
    const op = (inspectionId: number, kind: QueuedOp['kind'], items: number[]): QueuedOp => ({
      inspectionId,
      kind,
      account: 7,
      key: 'k',
      queuedAt: 0,
      attempts: 0,
      state: 'pending',
      answers: items.map((item_id) => ({ item_id, result: 'ok' })),
    })
    const m = unsyncedByInspection([op(1, 'save', [1, 2]), op(1, 'save', [2, 3]), op(2, 'upload', []), op(1, 'submit', [3])])
    expect(m.get(1)).toMatchObject({ items: 3, photos: 0, submit: true, blocked: null })
    expect(m.get(2)).toMatchObject({ items: 0, photos: 1, submit: false })
  })
})
