// The route table. Pages inside the main layout go into `layoutChildren`; a page that needs a
// permission declares its code in meta.permission, and the guard sends users without it to 403.
import type { RouteRecordRaw } from 'vue-router'
import MainLayout from '@/layouts/MainLayout.vue'
import { ROUTE } from './guard'

export const layoutChildren: RouteRecordRaw[] = [
  {
    path: '',
    name: ROUTE.home,
    component: () => import('@/views/HomeView.vue'),
    meta: { title: 'routes.home' },
  },
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
