// Routes of standards, checklists, inspections and hazards (issues 5 and 6). Added to the main layout by
// routes.ts.
import type { RouteRecordRaw } from 'vue-router'

export const workRoutes: RouteRecordRaw[] = []
