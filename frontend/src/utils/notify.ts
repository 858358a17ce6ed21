// Shows failures to the user. API errors carry the backend's Chinese message, which is shown as is.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { isApiError } from '@/api/errors'
import { t } from '@/locales'

/** The Chinese text to show for anything thrown by an API call or a page. */
export function errorText(e: unknown): string {
  if (isApiError(e)) return e.message
  return t('pages.errorTitle')
}

export function showError(e: unknown) {
  if (!isApiError(e)) console.error(e)
  ElMessage({ type: 'error', message: errorText(e), grouping: true, showClose: true })
}

export function showSuccess(message: string) {
  ElMessage({ type: 'success', message, grouping: true })
}

export function showWarning(message: string) {
  ElMessage({ type: 'warning', message, grouping: true, showClose: true })
}

/** Closes every message still on screen: a page left behind takes its failures with it. */
export function clearMessages() {
  ElMessage.closeAll()
}
