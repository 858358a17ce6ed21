// Global template additions, for type-checked templates.
import type { vPermission } from './directives/permission'
import type { vPhoneCards } from './directives/phoneCards'

declare module 'vue' {
  interface GlobalDirectives {
    vPermission: typeof vPermission
    vPhoneCards: typeof vPhoneCards
  }
}

export {}
