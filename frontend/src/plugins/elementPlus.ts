// Element Plus's app-wide settings (its locale), given once its shared code has loaded. The login page uses
// none of Element Plus, so that on a weak phone it does not wait for it; every other page does, and the
// router (router/index.ts) calls ensureElementPlus before it shows one.
import type { App } from 'vue'

let app: App | undefined
let ready: Promise<void> | undefined

/** app.use(elementPlusLater): remembers the app that ensureElementPlus configures. */
export const elementPlusLater = {
  install(a: App) {
    app = a
  },
}

/** Loads Element Plus's shared code and provides its locale to the whole app; once. */
export function ensureElementPlus(): Promise<void> {
  if (!app) return Promise.resolve()
  const target = app
  ready ??= import('./elementPlusConfig').then((m) => m.provideElementPlusConfig(target))
  return ready
}
