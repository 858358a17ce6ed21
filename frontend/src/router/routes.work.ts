// Routes of standards, checklists, inspections and hazards (issues 5 and 6). Added to the main layout by
// routes.ts. Each page's permission code is the one the server's menu and API use.
import type { RouteRecordRaw } from 'vue-router'

export const workRoutes: RouteRecordRaw[] = [
  {
    path: 'templates',
    name: 'templates',
    component: () => import('@/views/templates/TemplatesView.vue'),
    meta: { title: 'work.routes.templates', permission: 'tpl:template' },
  },
  {
    path: 'templates/:id(\\d+)',
    name: 'template-detail',
    component: () => import('@/views/templates/TemplateDetailView.vue'),
    meta: { title: 'work.routes.templateDetail', permission: 'tpl:template' },
  },
  {
    path: 'standard',
    name: 'standard',
    component: () => import('@/views/standard/StandardView.vue'),
    meta: { title: 'work.routes.standard', permission: 'std:standard' },
  },
  {
    path: 'standard/template-changes',
    name: 'standard-template-changes',
    component: () => import('@/views/standard/TemplateChangesView.vue'),
    meta: { title: 'work.routes.templateChanges', permission: 'std:standard' },
  },
  {
    path: 'standard/grades',
    name: 'standard-grades',
    component: () => import('@/views/standard/GradesView.vue'),
    meta: { title: 'work.routes.grades', permission: 'std:grade' },
  },
  {
    path: 'standard/checklists',
    name: 'standard-checklists',
    component: () => import('@/views/standard/ChecklistsView.vue'),
    meta: { title: 'work.routes.checklists', permission: 'std:checklist' },
  },
  {
    path: 'standard/checklists/new',
    name: 'standard-checklist-create',
    component: () => import('@/views/standard/ChecklistEditView.vue'),
    meta: { title: 'work.routes.checklistCreate', permission: 'std:checklist:edit' },
  },
  {
    path: 'standard/checklists/:id(\\d+)/edit',
    name: 'standard-checklist-edit',
    component: () => import('@/views/standard/ChecklistEditView.vue'),
    meta: { title: 'work.routes.checklistEdit', permission: 'std:checklist:edit' },
  },
  {
    path: 'inspections',
    name: 'inspections',
    component: () => import('@/views/inspection/MyInspectionsView.vue'),
    meta: { title: 'work.routes.inspections', permission: 'hz:inspect' },
  },
  {
    path: 'inspections/history',
    name: 'inspection-history',
    component: () => import('@/views/inspection/InspectionHistoryView.vue'),
    meta: { title: 'work.routes.inspectionHistory', permission: 'hz:history' },
  },
  {
    path: 'inspections/:id(\\d+)',
    name: 'inspection-form',
    component: () => import('@/views/inspection/InspectionFormView.vue'),
    meta: { title: 'work.routes.inspectionForm', permission: 'hz:inspect' },
  },
  {
    path: 'hazards',
    name: 'hazards',
    component: () => import('@/views/hazard/HazardLedgerView.vue'),
    meta: { title: 'work.routes.hazards', permission: 'hz:ledger' },
  },
  {
    path: 'hazards/:id(\\d+)',
    name: 'hazard-detail',
    component: () => import('@/views/hazard/HazardDetailView.vue'),
    meta: { title: 'work.routes.hazardDetail', permission: 'hz:ledger' },
  },
  {
    path: 'regulator/hazards',
    name: 'regulator-hazards',
    component: () => import('@/views/hazard/RegulatorHazardsView.vue'),
    meta: { title: 'work.routes.regHazards', permission: 'reg:hazard' },
  },
  {
    path: 'regulator/hazards/:id(\\d+)',
    name: 'regulator-hazard-detail',
    component: () => import('@/views/hazard/RegulatorHazardDetailView.vue'),
    meta: { title: 'work.routes.regHazardDetail', permission: 'reg:hazard' },
  },
]
