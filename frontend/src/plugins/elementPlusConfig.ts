// Loaded by ensureElementPlus (elementPlus.ts): what <el-config-provider> did around the whole app.
import { computed, type App } from 'vue'
import { provideGlobalConfig } from 'element-plus'
import { elementLocale } from '@/locales'

export function provideElementPlusConfig(app: App) {
  provideGlobalConfig(computed(() => ({ locale: elementLocale() })), app, true)
}
