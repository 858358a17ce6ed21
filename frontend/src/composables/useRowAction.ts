// One way to act on a row of a list or tree (停用, 删除, 重置密码, …): ask first, mark the row busy while the
// server works, say that it worked, reload. A failure is shown and leaves the row free again. A second
// click on the same row while its question is open or its call runs does nothing; other rows stay free.
// `remove` and `toggle` hold the conventions of 删除 and 停用/启用, so pages only say what differs.
import { shallowReactive } from 'vue'
import { t } from '@/locales'
import { confirmAction, type ConfirmOptions } from '@/utils/confirm'
import { showError, showSuccess } from '@/utils/notify'

export interface RowAction<R> {
  /** The question asked first, with its box's options; cancelling it ends the action. */
  confirm: string | ({ message: string } & ConfirmOptions)
  /** The call to the server; a rejection is shown to the user. */
  call: () => Promise<R>
  /** The message shown when the call succeeded. */
  success?: string
  /** What else follows success, given the call's answer (e.g. showing a temporary password); before the reload. */
  done?: (result: R) => void
}

/** One direction of 停用/启用: its question, its call and what it says when done. */
export interface StatusChange {
  confirm: string
  call: () => Promise<unknown>
  success: string
}

export interface RowActionOptions {
  /** Reloads what the rows show after a successful action; what it throws is shown too. */
  reload?: () => unknown
}

/** Rows are told apart by a key: usually their id, or a string when a row has several busy buttons. */
export function useRowAction<K extends string | number = number>(options: RowActionOptions = {}) {
  // Rows being asked about or acted on: a click on one of them is ignored.
  const claimed = new Set<K>()
  // Rows whose call is running: their buttons show it.
  const running = shallowReactive(new Set<K>())

  async function run<R>(key: K, action: RowAction<R>): Promise<void> {
    if (claimed.has(key)) return
    claimed.add(key)
    try {
      const q = typeof action.confirm === 'string' ? { message: action.confirm } : action.confirm
      if (!(await confirmAction(q.message, q))) return
      running.add(key)
      try {
        const result = await action.call()
        if (action.success) showSuccess(action.success)
        action.done?.(result)
        await options.reload?.()
      } catch (e) {
        showError(e)
      } finally {
        running.delete(key)
      }
    } finally {
      claimed.delete(key)
    }
  }

  /** 删除: asked with a red 删除 button; 删除成功 when done. */
  function remove<R>(key: K, action: { confirm: string; call: () => Promise<R>; done?: (result: R) => void }): Promise<void> {
    return run(key, {
      confirm: { message: action.confirm, danger: true, confirmText: t('common.delete') },
      call: action.call,
      success: t('common.deleted'),
      done: action.done,
    })
  }

  /** 停用 an active row (asked with a red button) or 启用 a disabled one. */
  function toggle(key: K, active: boolean, change: { disable: StatusChange; enable: StatusChange }): Promise<void> {
    const c = active ? change.disable : change.enable
    return run(key, { confirm: { message: c.confirm, danger: active }, call: c.call, success: c.success })
  }

  return {
    run,
    remove,
    toggle,
    /** Whether the row's call is running (for its button's loading state). */
    isBusy: (key: K) => running.has(key),
  }
}
