// A yes/no question before an action that cannot be undone (停用, 删除, 重置密码).
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { t } from '@/locales'

/** Resolves true when the user confirms, false when it cancels or closes the box. */
export async function confirmAction(message: string, opts: { title?: string; confirmText?: string; danger?: boolean } = {}): Promise<boolean> {
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
