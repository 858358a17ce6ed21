// useRowAction: ask → busy → call → say so → reload, the one way the list pages act on a row.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { computed } from 'vue'
import { confirmAction } from '@/utils/confirm'
import { showError, showSuccess } from '@/utils/notify'
import { useRowAction } from '@/composables/useRowAction'

vi.mock('@/utils/confirm', () => ({ confirmAction: vi.fn() }))
vi.mock('@/utils/notify', () => ({ showError: vi.fn(), showSuccess: vi.fn() }))

const confirm = vi.mocked(confirmAction)

/** A promise settled from outside, to look at the row while the call is running. */
function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

beforeEach(() => {
  vi.resetAllMocks()
  confirm.mockResolvedValue(true)
})

describe('useRowAction', () => {
  it('asks first, and does nothing when the question is cancelled', async () => {
    confirm.mockResolvedValue(false)
    const reload = vi.fn()
    const rows = useRowAction({ reload })
    const call = vi.fn(async () => 'ok')

    await rows.run(7, { confirm: { message: '确定删除“甲”吗？', danger: true, confirmText: '删除' }, call, success: '删除成功' })

    expect(confirm).toHaveBeenCalledWith('确定删除“甲”吗？', expect.objectContaining({ danger: true, confirmText: '删除' }))
    expect(call).not.toHaveBeenCalled()
    expect(showSuccess).not.toHaveBeenCalled()
    expect(reload).not.toHaveBeenCalled()
    expect(rows.isBusy(7)).toBe(false)
  })

  it('takes a plain question too', async () => {
    const rows = useRowAction()
    await rows.run(1, { confirm: '确定启用吗？', call: async () => undefined })
    expect(confirm).toHaveBeenCalledWith('确定启用吗？', expect.anything())
  })

  it('marks only the acting row busy while its call runs, and ignores a second click on it', async () => {
    const rows = useRowAction()
    const busyOne = computed(() => rows.isBusy(1))
    const pending = deferred<void>()
    const call = vi.fn(() => pending.promise)

    const first = rows.run(1, { confirm: '停用？', call })
    await tick()
    expect(call).toHaveBeenCalledTimes(1)
    expect(busyOne.value).toBe(true)
    expect(rows.isBusy(2)).toBe(false)

    await rows.run(1, { confirm: '停用？', call })
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(call).toHaveBeenCalledTimes(1)

    const other = vi.fn(async () => undefined)
    await rows.run(2, { confirm: '停用？', call: other })
    expect(other).toHaveBeenCalledTimes(1)
    expect(busyOne.value).toBe(true)

    pending.resolve()
    await first
    expect(busyOne.value).toBe(false)
  })

  it('ignores a second click while the row’s question is still open', async () => {
    const answer = deferred<boolean>()
    confirm.mockReturnValueOnce(answer.promise)
    const rows = useRowAction()
    const call = vi.fn(async () => undefined)

    const first = rows.run(3, { confirm: '删除？', call })
    await rows.run(3, { confirm: '删除？', call })
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(rows.isBusy(3)).toBe(false)

    answer.resolve(true)
    await first
    expect(call).toHaveBeenCalledTimes(1)

    // Once done, the row can be acted on again.
    await rows.run(3, { confirm: '删除？', call })
    expect(call).toHaveBeenCalledTimes(2)
  })

  it('on success says so, hands the answer on, then reloads', async () => {
    const order: string[] = []
    vi.mocked(showSuccess).mockImplementation(() => void order.push('success'))
    const reload = vi.fn(async () => void order.push('reload'))
    const rows = useRowAction({ reload })
    const done = vi.fn((r: { temporary_password: string }) => void order.push(`done ${r.temporary_password}`))

    await rows.run(5, {
      confirm: '重置密码？',
      call: async () => {
        order.push('call')
        return { temporary_password: 'Tmp#2024ab' }
      },
      success: '已重置',
      done,
    })

    expect(showSuccess).toHaveBeenCalledWith('已重置')
    expect(done).toHaveBeenCalledWith({ temporary_password: 'Tmp#2024ab' })
    expect(order).toEqual(['call', 'success', 'done Tmp#2024ab', 'reload'])
    expect(showError).not.toHaveBeenCalled()
    expect(rows.isBusy(5)).toBe(false)
  })

  it('on failure shows the error, skips success and reload, and frees the row', async () => {
    const reload = vi.fn()
    const rows = useRowAction({ reload })
    const err = new Error('post_has_users')
    const done = vi.fn()

    await rows.run(9, { confirm: '删除？', call: async () => Promise.reject(err), success: '删除成功', done })

    expect(showError).toHaveBeenCalledWith(err)
    expect(showSuccess).not.toHaveBeenCalled()
    expect(done).not.toHaveBeenCalled()
    expect(reload).not.toHaveBeenCalled()
    expect(rows.isBusy(9)).toBe(false)

    const retry = vi.fn(async () => undefined)
    await rows.run(9, { confirm: '删除？', call: retry })
    expect(retry).toHaveBeenCalledTimes(1)
  })

  it('shows a failed reload and frees the row', async () => {
    const err = new Error('network')
    const rows = useRowAction({ reload: async () => Promise.reject(err) })

    await rows.run(4, { confirm: '启用？', call: async () => undefined, success: '已启用' })

    expect(showSuccess).toHaveBeenCalledWith('已启用')
    expect(showError).toHaveBeenCalledWith(err)
    expect(rows.isBusy(4)).toBe(false)
  })

  it('tells apart string keys of one row’s buttons', async () => {
    const rows = useRowAction<string>()
    const pending = deferred<void>()

    const admin = rows.run('12:enterprise_admin', { confirm: '重置？', call: () => pending.promise })
    await tick()
    expect(rows.isBusy('12:enterprise_admin')).toBe(true)
    expect(rows.isBusy('12:enterprise_user')).toBe(false)

    pending.resolve()
    await admin
    expect(rows.isBusy('12:enterprise_admin')).toBe(false)
  })

  it('remove asks with a red 删除 button and says 删除成功', async () => {
    const reload = vi.fn()
    const rows = useRowAction({ reload })
    const call = vi.fn(async () => undefined)
    const done = vi.fn()

    await rows.remove(6, { confirm: '确定删除岗位“库管员”吗？', call, done })

    expect(confirm).toHaveBeenCalledWith('确定删除岗位“库管员”吗？', expect.objectContaining({ danger: true, confirmText: '删除' }))
    expect(call).toHaveBeenCalledTimes(1)
    expect(showSuccess).toHaveBeenCalledWith('删除成功')
    expect(done).toHaveBeenCalledTimes(1)
    expect(reload).toHaveBeenCalledTimes(1)
  })

  it('toggle disables an active row (asked in red) and enables a disabled one', async () => {
    const rows = useRowAction()
    const change = () => ({
      disable: { confirm: '停用“甲”？', call: vi.fn(async () => undefined), success: '已停用' },
      enable: { confirm: '启用“甲”？', call: vi.fn(async () => undefined), success: '已启用' },
    })

    const active = change()
    await rows.toggle(8, true, active)
    expect(confirm).toHaveBeenLastCalledWith('停用“甲”？', expect.objectContaining({ danger: true }))
    expect(active.disable.call).toHaveBeenCalledTimes(1)
    expect(active.enable.call).not.toHaveBeenCalled()
    expect(showSuccess).toHaveBeenLastCalledWith('已停用')

    const disabled = change()
    await rows.toggle(8, false, disabled)
    expect(confirm).toHaveBeenLastCalledWith('启用“甲”？', expect.objectContaining({ danger: false }))
    expect(disabled.enable.call).toHaveBeenCalledTimes(1)
    expect(disabled.disable.call).not.toHaveBeenCalled()
    expect(showSuccess).toHaveBeenLastCalledWith('已启用')
  })
})
