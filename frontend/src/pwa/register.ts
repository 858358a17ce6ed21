// Registers the service worker (public build only) and offers a new deployment: when a new worker has
// installed beside the running one, a 新版本可用 notification asks; 刷新 lets the new worker take over and
// reloads the page once it has. Loaded with a dynamic import after the app has started, so neither the
// worker's registration nor the notification weighs on the login page's first paint.
import { h } from 'vue'
import { ElButton, ElNotification } from 'element-plus'
import 'element-plus/es/components/notification/style/css'
import 'element-plus/es/components/button/style/css'
import { t } from '@/locales'

/** How often a long-open page asks the server for a new sw.js (it also asks when the app comes back into view). */
const CHECK_EVERY_MS = 30 * 60 * 1000

let offered: ServiceWorker | null = null

function offer(worker: ServiceWorker) {
  if (offered === worker) return
  offered = worker
  const note = ElNotification({
    title: t('pwa.updateTitle'),
    type: 'info',
    duration: 0,
    position: 'bottom-right',
    customClass: 'pwa-update',
    message: h('div', { class: 'pwa-update__body' }, [
      h('p', { style: 'margin:0 0 8px' }, t('pwa.updateText')),
      h(
        ElButton,
        {
          type: 'primary',
          size: 'small',
          'data-test': 'pwa-reload',
          onClick: () => {
            consented = true
            note.close()
            worker.postMessage({ type: 'SKIP_WAITING' })
          },
        },
        () => t('pwa.updateReload'),
      ),
      h(ElButton, { size: 'small', 'data-test': 'pwa-later', onClick: () => note.close() }, () => t('pwa.updateLater')),
    ]),
  })
}

let consented = false

export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator)) return undefined
  const sw = navigator.serviceWorker
  // The first worker takes control without a reload; only a worker the user asked for reloads the page.
  let reloading = false
  sw.addEventListener('controllerchange', () => {
    if (!consented || reloading) return
    reloading = true
    window.location.reload()
  })
  const reg = await sw.register('/sw.js', { scope: '/', updateViaCache: 'none' })
  const watch = (worker: ServiceWorker | null) => {
    if (!worker) return
    const check = () => {
      // "installed" with a controller: a new build waits for the running one. Without a controller this is
      // the first install, nothing to offer.
      if (worker.state === 'installed' && sw.controller) offer(worker)
    }
    check()
    worker.addEventListener('statechange', check)
  }
  if (reg.waiting && sw.controller) offer(reg.waiting)
  watch(reg.installing)
  reg.addEventListener('updatefound', () => watch(reg.installing))
  const update = () => {
    reg.update().catch(() => {
      // Offline or the server is restarting: the next check will do.
    })
  }
  window.setInterval(update, CHECK_EVERY_MS)
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') update()
  })
  return reg
}
