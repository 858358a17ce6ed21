// Statistics, dashboards and reports (views/oversight): the regulator's dashboard, an enterprise's summary
// and hazard report, and the enterprise's own report.
import type { RouteRecordRaw } from 'vue-router'

export const oversightRoutes: RouteRecordRaw[] = [
  {
    path: 'regulator/dashboard',
    name: 'regulator-dashboard',
    component: () => import('@/views/oversight/RegulatorDashboardView.vue'),
    meta: { title: 'routes.dashboard', permission: 'reg:dashboard' },
  },
  {
    path: 'regulator/enterprises/:id(\\d+)/summary',
    name: 'regulator-enterprise-summary',
    component: () => import('@/views/oversight/EnterpriseSummaryView.vue'),
    meta: { title: 'routes.enterpriseSummary', permission: 'reg:dashboard' },
  },
  {
    path: 'regulator/enterprises/:id(\\d+)/report',
    name: 'regulator-enterprise-report',
    component: () => import('@/views/oversight/HazardReportView.vue'),
    props: (route) => ({ enterpriseId: Number(route.params.id) }),
    meta: { title: 'routes.enterpriseReport', permission: 'reg:dashboard' },
  },
  {
    path: 'reports/hazards',
    name: 'hazard-report',
    component: () => import('@/views/oversight/HazardReportView.vue'),
    meta: { title: 'routes.report', permission: 'hz:stats' },
  },
]
