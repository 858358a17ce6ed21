// Global template additions, for type-checked templates.
import type { vPermission } from './directives/permission'

declare module 'vue' {
  interface GlobalDirectives {
    vPermission: typeof vPermission
  }
}

export {}
