// Must stay the first import: dependencies below may call what it adds.
import './polyfills'
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n } from './locales'
import { createAppRouter } from './router'
import { elementPlusLater } from './plugins/elementPlus'
import { vPermission } from './directives/permission'
import { vPhoneCards } from './directives/phoneCards'
import { isApiError } from './api/errors'
import { showError } from './utils/notify'
import 'element-plus/theme-chalk/base.css'
import './styles/main.css'
import './styles/phone.css'

const app = createApp(App)
const router = createAppRouter()
app.use(createPinia())
app.use(i18n)
app.use(elementPlusLater)
app.use(router)
app.directive('permission', vPermission)
app.directive('phone-cards', vPhoneCards)

// Last resort for errors no page handled: API errors show their Chinese message, the rest is logged.
app.config.errorHandler = (err) => {
  if (isApiError(err)) showError(err)
  else console.error(err)
}

app.mount('#app')
// index.html's old-browser check stands down: from here on errors are the app's to handle.
;(window as unknown as { __yqybStarted?: boolean }).__yqybStarted = true
window.onerror = null

// What the first page does not need waits until it is shown (its chunks loaded, the page drawn), so that on
// a weak signal nothing competes with it: the accessibility patches (they fix what is already in the page and
// watch for more), the offline queue (writes an earlier visit kept on the device are sent once the user is
// known) and the installable app's service worker (production builds only: the dev server's modules are not
// a build), whose installation downloads the whole app.
void router.isReady().then(afterFirstPaint).then(() => {
  void import('./utils/a11yPatches').then((m) => m.installA11yPatches())
  void import('./offline/sync').then((m) => m.startSync())
  if (import.meta.env.PROD && 'serviceWorker' in navigator) {
    import('./pwa/register')
      .then((m) => m.registerServiceWorker())
      .catch((e) => console.error('service worker', e))
  }
})

/** Resolves after the next frame has been drawn and the page has loaded. */
function afterFirstPaint(): Promise<void> {
  const loaded = new Promise<void>((resolve) => {
    if (document.readyState === 'complete') resolve()
    else window.addEventListener('load', () => resolve(), { once: true })
  })
  const painted = new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
  return Promise.all([loaded, painted]).then(() => undefined)
}
