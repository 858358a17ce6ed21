// 系统管理: users, roles and the audit log (views/system).
import type { RouteRecordRaw } from 'vue-router'

export const systemRoutes: RouteRecordRaw[] = [
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
    path: 'platform/audit',
    name: 'platform-audit',
    // The same page as 系统管理 → 审计日志, over every tenant.
    component: () => import('@/views/system/AuditLogView.vue'),
    props: { scope: 'platform' },
    meta: { title: 'routes.platformAudit', permission: 'plat:audit' },
  },
]
