// A one-line text question (a category name), in the style of the confirm boxes.
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { t } from '@/locales'

/** Resolves the trimmed text, or null when cancelled. */
export async function promptText(
  title: string,
  message: string,
  opts: { initial?: string; max?: number; placeholder?: string; required?: string } = {},
): Promise<string | null> {
  const max = opts.max ?? 50
  try {
    const { value } = await ElMessageBox.prompt(message, title, {
      inputValue: opts.initial ?? '',
      inputPlaceholder: opts.placeholder,
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      closeOnClickModal: false,
      customClass: 'confirm-box',
      inputValidator: (v: string) => {
        const s = (v ?? '').trim()
        if (!s) return opts.required ?? t('common.required')
        if (Array.from(s).length > max) return t('common.maxChars', { n: max })
        return true
      },
    })
    return String(value ?? '').trim()
  } catch {
    return null
  }
}
