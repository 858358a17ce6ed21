// 系统管理: users, roles, the audit log, API keys and webhook endpoints (views/system); the regulator's API keys
// and webhooks use the same pages.
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
    path: 'system/api-keys',
    name: 'system-api-keys',
    component: () => import('@/views/system/APIKeysView.vue'),
    props: { scope: 'enterprise' },
    meta: { title: 'routes.apiKeys', permission: 'sys:apikey' },
  },
  {
    path: 'regulator/api-keys',
    name: 'regulator-api-keys',
    // The same page over the regulator's own keys (its region's).
    component: () => import('@/views/system/APIKeysView.vue'),
    props: { scope: 'region' },
    meta: { title: 'routes.regionApiKeys', permission: 'reg:apikey' },
  },
  {
    path: 'system/webhooks',
    name: 'system-webhooks',
    component: () => import('@/views/system/WebhooksView.vue'),
    props: { scope: 'enterprise' },
    meta: { title: 'routes.webhooks', permission: 'sys:webhook' },
  },
  {
    path: 'regulator/webhooks',
    name: 'regulator-webhooks',
    // The same page over the regulator's endpoints (its region's events).
    component: () => import('@/views/system/WebhooksView.vue'),
    props: { scope: 'region' },
    meta: { title: 'routes.regionWebhooks', permission: 'reg:webhook' },
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
