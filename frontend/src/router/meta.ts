// What a route may declare in `meta`.
import 'vue-router'
import type { PermissionCode } from '@/api/types'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in (login, 404, 403, error pages). */
    public?: boolean
    /** Permission code the user must hold, e.g. 'org:dept:create'; the same code the menu and the API use. */
    permission?: PermissionCode
    /** Without the permission, go to 首页 rather than 403 (the installed app's start page, /today, which
     *  every account may open from the home-screen icon). */
    elseHome?: boolean
    /** i18n key of the page title, used for the document title and the breadcrumb. */
    title?: string
  }
}

export {}
