// 模板标准: the industry templates the platform maintains (views/templates).
import type { RouteRecordRaw } from 'vue-router'

export const templatesRoutes: RouteRecordRaw[] = [
  {
    path: 'templates',
    name: 'templates',
    component: () => import('@/views/templates/TemplatesView.vue'),
    meta: { title: 'routes.templates', permission: 'tpl:template' },
  },
  {
    path: 'templates/:id(\\d+)',
    name: 'template-detail',
    component: () => import('@/views/templates/TemplateDetailView.vue'),
    meta: { title: 'routes.templateDetail', permission: 'tpl:template' },
  },
]
