// Locale registry. zh-CN is the only locale; to add one, write a folder with the same MessageSchema,
// import Element Plus's matching locale, and add an entry to `locales`.
import { createI18n } from 'vue-i18n'
import type { Language } from 'element-plus/es/locale'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn'
import zhCN, { type MessageSchema } from './zh-CN'

export type LocaleCode = 'zh-CN'

export const locales: Record<LocaleCode, { messages: MessageSchema; element: Language }> = {
  'zh-CN': { messages: zhCN, element: elementZhCn },
}

export const defaultLocale: LocaleCode = 'zh-CN'

export const i18n = createI18n<[MessageSchema], LocaleCode, false>({
  legacy: false,
  locale: defaultLocale,
  fallbackLocale: defaultLocale,
  messages: { 'zh-CN': zhCN },
})

/** Translate outside components (API client, router guards). */
export const t = i18n.global.t

/** Element Plus's locale for the active language, for <el-config-provider>. */
export function elementLocale(): Language {
  return locales[i18n.global.locale.value as LocaleCode].element
}
