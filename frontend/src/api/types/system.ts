// API types of 系统管理 (views/system): users, roles and their grants, the permission catalogue, the audit log.
import type { paths } from '../schema'
import type { JsonBody, Page, Schemas } from './index'

export type User = Schemas['User']
export type UserStatus = User['status']
export type CreatedUser = Schemas['CreatedUser']
export type PostUserInput = JsonBody<paths['/api/v1/users']['post']>
export type Role = Schemas['Role']
export type CreateRoleRequest = JsonBody<paths['/api/v1/roles']['post']>
export type UserGrants = Schemas['UserGrants']
export type TemporaryPassword = Schemas['TemporaryPassword']
export type PermissionCatalog = Schemas['PermissionTree']
export type PermissionNode = Schemas['Node']
export type APIKey = Schemas['APIKey']
export type APIKeyStatus = APIKey['status']
export type APIKeyScope = Schemas['APIKeyScope']
export type CreatedAPIKey = Schemas['CreatedAPIKey']
export type APIKeyInput = Schemas['APIKeyInput']

// The contract declares the list answers below as empty objects (swag does not expand the Go generic
// listq.Page[T]), and AuditLog is missing from it; these mirror what the server sends (internal/audit
// View) until the contract describes them.
export type UserPage = Page<User>
export type RolePage = Page<Role>

/** One audit-log entry. `detail` holds {before?, after?, note?} when the event carries one. */
export interface AuditLog {
  id: number
  at: string
  actor_id: number | null
  actor_name: string
  action: string
  action_label: string
  target_type: string
  target_id: number | null
  target_name: string
  ip: string
  request_id: string
  detail?: AuditDetail | null
}

export interface AuditDetail {
  before?: Record<string, unknown>
  after?: Record<string, unknown>
  note?: string
}

export type AuditPage = Page<AuditLog>

// Webhook endpoints (系统管理 → 事件推送, 监管 → 事件推送).
export type WebhookEndpoint = Schemas['WebhookEndpoint']
export type WebhookEndpointCreated = Schemas['WebhookEndpointCreated']
export type WebhookDelivery = Schemas['WebhookDelivery']
export type WebhookCreateInput = JsonBody<paths['/api/v1/webhooks']['post']>
