// A yes/no question before an action that cannot be undone (停用, 删除, 重置密码).
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { t } from '@/locales'

export interface ConfirmOptions {
  /** The box's title; 操作确认 by default. */
  title?: string
  /** The confirm button's text; 确定 by default. */
  confirmText?: string
  /** A red confirm button, for what cannot be undone. */
  danger?: boolean
}

/** Resolves true when the user confirms, false when it cancels or closes the box. */
export async function confirmAction(message: string, opts: ConfirmOptions = {}): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, opts.title ?? t('common.confirmTitle'), {
      type: 'warning',
      confirmButtonText: opts.confirmText ?? t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      confirmButtonClass: opts.danger ? 'el-button--danger' : undefined,
      closeOnClickModal: false,
      customClass: 'confirm-box',
    })
    return true
  } catch {
    return false
  }
}
