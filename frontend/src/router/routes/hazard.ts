// 隐患台账 of the enterprise and 重大隐患 of the regulator, each with its detail page (views/hazard).
import type { RouteRecordRaw } from 'vue-router'

export const hazardRoutes: RouteRecordRaw[] = [
  {
    path: 'hazards',
    name: 'hazards',
    component: () => import('@/views/hazard/HazardLedgerView.vue'),
    meta: { title: 'routes.hazards', permission: 'hz:ledger' },
  },
  {
    path: 'hazards/:id(\\d+)',
    name: 'hazard-detail',
    component: () => import('@/views/hazard/HazardDetailView.vue'),
    meta: { title: 'routes.hazardDetail', permission: 'hz:ledger' },
  },
  {
    path: 'regulator/hazards',
    name: 'regulator-hazards',
    component: () => import('@/views/hazard/RegulatorHazardsView.vue'),
    meta: { title: 'routes.regHazards', permission: 'reg:hazard' },
  },
  {
    path: 'regulator/hazards/:id(\\d+)',
    name: 'regulator-hazard-detail',
    component: () => import('@/views/hazard/RegulatorHazardDetailView.vue'),
    meta: { title: 'routes.regHazardDetail', permission: 'reg:hazard' },
  },
]
