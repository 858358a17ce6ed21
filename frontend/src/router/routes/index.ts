// The route table. The pages of each area (a folder of src/views) are listed in ./<area>.ts; pages inside
// the main layout go into `layoutChildren`. A page that needs a permission declares its code in
// meta.permission (the code the server's menu and API use), and the guard sends users without it to 403.
import type { RouteRecordRaw } from 'vue-router'
import { ROUTE } from '../guard'
import { systemRoutes } from './system'
import { platformRoutes } from './platform'
import { registryRoutes } from './registry'
import { enterpriseRoutes } from './enterprise'
import { templatesRoutes } from './templates'
import { standardRoutes } from './standard'
import { inspectionRoutes } from './inspection'
import { hazardRoutes } from './hazard'
import { oversightRoutes } from './oversight'
import { helpRoutes } from './help'

export const layoutChildren: RouteRecordRaw[] = [
  {
    path: '',
    name: ROUTE.home,
    component: () => import('@/views/HomeView.vue'),
    meta: { title: 'routes.home' },
  },
  {
    // 关于: version, build and environment, for admins (linked from their user menu; not on home pages).
    path: 'about',
    name: 'about',
    component: () => import('@/views/AboutView.vue'),
    meta: { title: 'routes.about' },
  },
  ...systemRoutes,
  ...platformRoutes,
  ...registryRoutes,
  ...enterpriseRoutes,
  ...templatesRoutes,
  ...standardRoutes,
  ...inspectionRoutes,
  ...hazardRoutes,
  ...oversightRoutes,
]

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: ROUTE.login,
    component: () => import('@/views/LoginView.vue'),
    meta: { public: true },
  },
  {
    path: '/change-password',
    name: ROUTE.changePassword,
    component: () => import('@/views/ChangePasswordView.vue'),
    meta: { title: 'routes.changePassword' },
  },
  {
    // The frame (menu, drawer, header) loads with the first signed-in page, in parallel with it: the login
    // page does not download it.
    path: '/',
    component: () => import('@/layouts/MainLayout.vue'),
    children: layoutChildren,
  },
  ...helpRoutes,
  {
    path: '/403',
    name: ROUTE.forbidden,
    component: () => import('@/views/ForbiddenView.vue'),
    meta: { public: true, title: 'routes.forbidden' },
  },
  {
    path: '/error',
    name: ROUTE.error,
    component: () => import('@/views/ErrorView.vue'),
    meta: { public: true, title: 'routes.error' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: ROUTE.notFound,
    component: () => import('@/views/NotFoundView.vue'),
    meta: { public: true, title: 'routes.notFound' },
  },
]
