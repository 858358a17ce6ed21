// 平台管理: regulator accounts and regions (views/platform). The platform's audit log is system's page.
import type { RouteRecordRaw } from 'vue-router'

export const platformRoutes: RouteRecordRaw[] = [
  {
    path: 'platform/regulators',
    name: 'platform-regulators',
    component: () => import('@/views/platform/RegulatorsView.vue'),
    meta: { title: 'routes.regulators', permission: 'plat:regulator' },
  },
  {
    path: 'platform/regions',
    name: 'platform-regions',
    component: () => import('@/views/platform/RegionsView.vue'),
    meta: { title: 'routes.regions', permission: 'plat:region' },
  },
]
