// 隐患排查: a post user's checklists, the form of one period, and the inspection history (views/inspection).
import type { RouteRecordRaw } from 'vue-router'

export const inspectionRoutes: RouteRecordRaw[] = [
  {
    // 今日排查: where a post user lands (landingPath) and the installed app starts.
    path: 'today',
    name: 'today',
    component: () => import('@/views/inspection/TodayView.vue'),
    meta: { title: 'routes.today', permission: 'hz:inspect' },
  },
  {
    path: 'inspections',
    name: 'inspections',
    component: () => import('@/views/inspection/MyInspectionsView.vue'),
    meta: { title: 'routes.inspections', permission: 'hz:inspect' },
  },
  {
    path: 'inspections/history',
    name: 'inspection-history',
    component: () => import('@/views/inspection/InspectionHistoryView.vue'),
    meta: { title: 'routes.inspectionHistory', permission: 'hz:history' },
  },
  {
    path: 'inspections/:id(\\d+)',
    name: 'inspection-form',
    component: () => import('@/views/inspection/InspectionFormView.vue'),
    meta: { title: 'routes.inspectionForm', permission: 'hz:inspect' },
  },
  {
    path: 'inspections/:id(\\d+)/result',
    name: 'inspection-result',
    component: () => import('@/views/inspection/InspectionResultView.vue'),
    meta: { title: 'routes.inspectionResult', permission: 'hz:inspect' },
  },
]
