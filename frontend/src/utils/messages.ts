// Element Plus's message toasts, loaded with the first toast (see notify.ts): the login page shows none
// and does not wait for Element Plus.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'

export const showMessage = ElMessage
export function closeAllMessages() {
  ElMessage.closeAll()
}
