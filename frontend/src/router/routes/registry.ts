// 企业登记: the enterprises a regulator registers and oversees (views/registry).
import type { RouteRecordRaw } from 'vue-router'

export const registryRoutes: RouteRecordRaw[] = [
  {
    path: 'regulator/enterprises',
    name: 'regulator-enterprises',
    component: () => import('@/views/registry/EnterprisesView.vue'),
    meta: { title: 'routes.registry', permission: 'reg:enterprise' },
  },
]
