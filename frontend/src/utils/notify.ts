// Shows failures to the user. API errors carry the backend's Chinese message, which is shown as is.
// The toasts (Element Plus) load with the first one: a page that shows none, the login page above all, does
// not wait for them. Calls keep their order.
import { isApiError } from '@/api/errors'
import { t } from '@/locales'

type Messages = typeof import('./messages')
type MessageOptions = Parameters<Messages['showMessage']>[0]

let messages: Promise<Messages> | undefined
const loadMessages = () => (messages ??= import('./messages'))

function show(options: MessageOptions) {
  loadMessages()
    .then((m) => m.showMessage(options))
    .catch((e) => console.error(e))
}

/** The Chinese text to show for anything thrown by an API call or a page. */
export function errorText(e: unknown): string {
  if (isApiError(e)) return e.message
  return t('pages.errorTitle')
}

export function showError(e: unknown) {
  if (!isApiError(e)) console.error(e)
  show({ type: 'error', message: errorText(e), grouping: true, showClose: true })
}

export function showSuccess(message: string) {
  show({ type: 'success', message, grouping: true })
}

export function showWarning(message: string) {
  show({ type: 'warning', message, grouping: true, showClose: true })
}

/** Closes every message still on screen: a page left behind takes its failures with it. */
export function clearMessages() {
  loadMessages()
    .then((m) => m.closeAllMessages())
    .catch((e) => console.error(e))
}
