// The router and its global guard: load the profile once per session, then apply `decide`.
import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router'
import './meta'
import { routes } from './routes'
import { decide, ROUTE } from './guard'
import { useAuthStore } from '@/stores/auth'
import { setSessionLostHandler, setTokenRenewedHandler } from '@/api/client'
import { isApiError } from '@/api/errors'
import { SESSION_KEY, tokenStore } from '@/api/tokens'
import { PRODUCT_NAME } from '@/config'
import { t } from '@/locales'
import { showWarning } from '@/utils/notify'
import { ensureElementPlus } from '@/plugins/elementPlus'

export function installGuards(router: Router) {
  router.beforeEach(async (to) => {
    if (to.name === ROUTE.error) return true
    const auth = useAuthStore()
    if (auth.isLoggedIn && !auth.profile) {
      try {
        await auth.loadProfile()
      } catch (e) {
        // 401: the client has dropped the session; the decision below then sends the user to login.
        if (!(isApiError(e) && e.status === 401)) {
          return { name: ROUTE.error, query: { from: to.fullPath } }
        }
      }
    }
    return decide(to, auth)
  })

  // Every page but the login page uses Element Plus: its shared code and locale are there before it shows.
  router.beforeResolve(async (to) => {
    if (to.name !== ROUTE.login) await ensureElementPlus()
  })

  router.afterEach((to, from, failure) => {
    // A new page starts at its top. (Not a router scrollBehavior: that turns the browser's own scroll
    // restoration off and saves every position to sessionStorage, at each navigation and as the page unloads,
    // which on a weak phone costs the next page's start tens of milliseconds.)
    if (!failure && from.matched.length && to.fullPath !== from.fullPath && typeof window !== 'undefined') window.scrollTo(0, 0)
    const title = to.meta.title ? t(to.meta.title) : ''
    document.title = title ? `${title} - ${PRODUCT_NAME}` : PRODUCT_NAME
  })

  // A lazily loaded page failed to load (usually a new release replaced the old chunks).
  router.onError((err, to) => {
    console.error(err)
    if (to.name !== ROUTE.error) void router.replace({ name: ROUTE.error, query: { from: to.fullPath } })
  })

  setSessionLostHandler((err) => {
    const cur = router.currentRoute.value
    if (cur.name === ROUTE.login) return
    showWarning(err.message)
    void router.replace({ name: ROUTE.login, query: cur.fullPath === '/' ? {} : { redirect: cur.fullPath } })
  })

  // A logout in another tab of this browser ended the session here too: show the login page now rather
  // than at the next click.
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (e) => {
      if ((e.key !== SESSION_KEY && e.key !== null) || tokenStore.hasSession()) return
      const cur = router.currentRoute.value
      if (cur.meta.public || cur.name === ROUTE.login) return
      void router.replace({ name: ROUTE.login, query: cur.fullPath === '/' ? {} : { redirect: cur.fullPath } })
    })
  }

  // The server renewed a token whose version had moved: grants, roles or the password changed. Reload
  // /me so menus and v-permission buttons follow, and leave a page the user may no longer open.
  setTokenRenewedHandler(() => {
    void reloadPermissions(router)
  })
}

/** Reloads the profile and re-applies the route decision to the page being shown. */
export async function reloadPermissions(router: Router) {
  const auth = useAuthStore()
  if (!auth.isLoggedIn) return
  try {
    await auth.loadProfile(true)
  } catch {
    // A lost session is handled by the session-lost handler; anything else keeps the old profile.
    return
  }
  const cur = router.currentRoute.value
  const next = decide(cur, auth)
  if (next !== true) await router.replace(next)
}

export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)): Router {
  const router = createRouter({
    history,
    routes,
  })
  installGuards(router)
  return router
}
