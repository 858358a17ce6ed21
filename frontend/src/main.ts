// Must stay the first import: dependencies below may call what it adds.
import './polyfills'
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n } from './locales'
import { createAppRouter } from './router'
import { vPermission } from './directives/permission'
import { vPhoneCards } from './directives/phoneCards'
import { isApiError } from './api/errors'
import { showError } from './utils/notify'
import 'element-plus/theme-chalk/base.css'
import './styles/main.css'
import './styles/phone.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(createAppRouter())
app.directive('permission', vPermission)
app.directive('phone-cards', vPhoneCards)

// Last resort for errors no page handled: API errors show their Chinese message, the rest is logged.
app.config.errorHandler = (err) => {
  if (isApiError(err)) showError(err)
  else console.error(err)
}

app.mount('#app')
void import('./utils/a11yPatches').then((m) => m.installA11yPatches())
// Writes kept on the device by an earlier visit (src/offline) are sent once the user is known.
void import('./offline/sync').then((m) => m.startSync())
// index.html's old-browser check stands down: from here on errors are the app's to handle.
;(window as unknown as { __yqybStarted?: boolean }).__yqybStarted = true
window.onerror = null

// The installable app's service worker (production builds only: the dev server's modules are not a build).
// Registered once the page has loaded, so that it does not compete with the first paint on a weak signal.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const start = () => {
    import('./pwa/register')
      .then((m) => m.registerServiceWorker())
      .catch((e) => console.error('service worker', e))
  }
  if (document.readyState === 'complete') start()
  else window.addEventListener('load', start, { once: true })
}
