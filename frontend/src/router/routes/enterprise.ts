// An enterprise's own structure (views/enterprise): initialization, profile, associations and group
// members, departments and posts.
import type { RouteRecordRaw } from 'vue-router'

export const enterpriseRoutes: RouteRecordRaw[] = [
  {
    path: 'setup',
    name: 'setup',
    component: () => import('@/views/enterprise/SetupView.vue'),
    meta: { title: 'routes.setup', permission: 'setup' },
  },
  {
    path: 'enterprise/profile',
    name: 'enterprise-profile',
    component: () => import('@/views/enterprise/ProfileView.vue'),
    meta: { title: 'routes.profile', permission: 'ent:profile' },
  },
  {
    path: 'enterprise/associations',
    name: 'enterprise-associations',
    component: () => import('@/views/enterprise/AssociationsView.vue'),
    meta: { title: 'routes.associations', permission: 'ent:assoc' },
  },
  {
    path: 'enterprise/members',
    name: 'enterprise-members',
    component: () => import('@/views/enterprise/GroupMembersView.vue'),
    meta: { title: 'routes.members', permission: 'ent:group' },
  },
  {
    path: 'system/departments',
    name: 'system-departments',
    component: () => import('@/views/enterprise/DepartmentsView.vue'),
    meta: { title: 'routes.departments', permission: 'org:dept' },
  },
  {
    path: 'system/posts',
    name: 'system-posts',
    component: () => import('@/views/enterprise/PostsView.vue'),
    meta: { title: 'routes.posts', permission: 'org:post' },
  },
]
