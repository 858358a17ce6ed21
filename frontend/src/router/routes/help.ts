// 操作手册 (views/help), outside the main layout and public: the login page links to it for people who
// cannot log in yet.
import type { RouteRecordRaw } from 'vue-router'

export const helpRoutes: RouteRecordRaw[] = [
  {
    path: '/help/:slug?',
    name: 'help',
    component: () => import('@/views/help/HelpView.vue'),
    meta: { public: true, title: 'routes.help' },
  },
]
