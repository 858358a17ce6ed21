// Routes of the enterprise structure and registry pages (issue 4): registry, profile, departments, posts,
// associations, initialization. Added to the main layout by routes.ts.
import type { RouteRecordRaw } from 'vue-router'

export const enterpriseRoutes: RouteRecordRaw[] = []
