// The route table. Pages inside the main layout go into `layoutChildren`; a page that needs a
// permission declares its code in meta.permission, and the guard sends users without it to 403.
import type { RouteRecordRaw } from 'vue-router'
import MainLayout from '@/layouts/MainLayout.vue'
import { ROUTE } from './guard'
import { enterpriseRoutes } from './routes.enterprise'
import { workRoutes } from './routes.work'
import { oversightRoutes } from './routes.oversight'

export const layoutChildren: RouteRecordRaw[] = [
  {
    path: '',
    name: ROUTE.home,
    component: () => import('@/views/HomeView.vue'),
    meta: { title: 'routes.home' },
  },
  {
    path: 'system/users',
    name: 'system-users',
    component: () => import('@/views/system/UsersView.vue'),
    meta: { title: 'routes.users', permission: 'sys:user' },
  },
  {
    path: 'system/roles',
    name: 'system-roles',
    component: () => import('@/views/system/RolesView.vue'),
    meta: { title: 'routes.roles', permission: 'sys:role' },
  },
  {
    path: 'system/audit',
    name: 'system-audit',
    component: () => import('@/views/system/AuditLogView.vue'),
    props: { scope: 'enterprise' },
    meta: { title: 'routes.audit', permission: 'sys:audit' },
  },
  {
    path: 'platform/regulators',
    name: 'platform-regulators',
    component: () => import('@/views/platform/RegulatorsView.vue'),
    meta: { title: 'routes.regulators', permission: 'plat:regulator' },
  },
  {
    path: 'platform/audit',
    name: 'platform-audit',
    // The same page as 系统管理 → 审计日志, over every tenant.
    component: () => import('@/views/system/AuditLogView.vue'),
    props: { scope: 'platform' },
    meta: { title: 'routes.platformAudit', permission: 'plat:audit' },
  },
  ...enterpriseRoutes,
  ...workRoutes,
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
    path: '/',
    component: MainLayout,
    children: layoutChildren,
  },
  {
    // The operation manual is public: the login page links to it for people who cannot log in yet.
    path: '/help/:slug?',
    name: 'help',
    component: () => import('@/views/help/HelpView.vue'),
    meta: { public: true, title: 'routes.help' },
  },
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
