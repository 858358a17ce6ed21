// 标准管理: the enterprise standard, template changes, hazard grades and post checklists (views/standard).
import type { RouteRecordRaw } from 'vue-router'

export const standardRoutes: RouteRecordRaw[] = [
  {
    path: 'standard',
    name: 'standard',
    component: () => import('@/views/standard/StandardView.vue'),
    meta: { title: 'routes.standard', permission: 'std:standard' },
  },
  {
    path: 'standard/template-changes',
    name: 'standard-template-changes',
    component: () => import('@/views/standard/TemplateChangesView.vue'),
    meta: { title: 'routes.templateChanges', permission: 'std:standard' },
  },
  {
    path: 'standard/grades',
    name: 'standard-grades',
    component: () => import('@/views/standard/GradesView.vue'),
    meta: { title: 'routes.grades', permission: 'std:grade' },
  },
  {
    path: 'standard/checklists',
    name: 'standard-checklists',
    component: () => import('@/views/standard/ChecklistsView.vue'),
    meta: { title: 'routes.checklists', permission: 'std:checklist' },
  },
  {
    path: 'standard/checklists/new',
    name: 'standard-checklist-create',
    component: () => import('@/views/standard/ChecklistEditView.vue'),
    meta: { title: 'routes.checklistCreate', permission: 'std:checklist:edit' },
  },
  {
    path: 'standard/checklists/:id(\\d+)/edit',
    name: 'standard-checklist-edit',
    component: () => import('@/views/standard/ChecklistEditView.vue'),
    meta: { title: 'routes.checklistEdit', permission: 'std:checklist:edit' },
  },
]
