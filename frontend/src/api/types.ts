// Names for the API's request and answer types, derived from the generated schema by path and method
// (not by schema name, which depends on the backend's Go package names). swag leaves answer fields
// optional, so code reading them must allow for absence.
import type { components, paths } from './schema'

type JsonBody<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never
type JsonOk<Op> = Op extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never

export type Meta = JsonOk<paths['/api/v1/meta']['get']>
export type LoginRequest = JsonBody<paths['/api/v1/auth/login']['post']>
export type LoginMode = LoginRequest['mode']
export type TokenResponse = JsonOk<paths['/api/v1/auth/login']['post']>
export type ChangePasswordRequest = JsonBody<paths['/api/v1/me/password']['post']>
export type Me = JsonOk<paths['/api/v1/me']['get']>
export type CurrentUser = NonNullable<Me['user']>
export type UserKind = NonNullable<CurrentUser['kind']>
export type MenuNode = NonNullable<Me['menus']>[number]

type Schemas = components['schemas']

/** Every list answer: {items, total, page, page_size}. */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export type User = Schemas['User']
export type UserStatus = User['status']
export type CreatedUser = Schemas['CreatedUser']
export type PostUserInput = JsonBody<paths['/api/v1/users']['post']>
export type RegulatorInput = JsonBody<paths['/api/v1/platform/regulators']['post']>
export type PostChoice = Schemas['PostChoice']
export type Role = Schemas['Role']
export type CreateRoleRequest = JsonBody<paths['/api/v1/roles']['post']>
export type UserGrants = Schemas['UserGrants']
export type TemporaryPassword = Schemas['TemporaryPassword']
export type Region = Schemas['Region']
export type PermissionCatalog = Schemas['PermissionTree']
export type PermissionNode = Schemas['Node']
export type EnterpriseAccount = Schemas['ResetEnterpriseRequest']['account']

// The contract declares the list answers below as empty objects (swag does not expand the Go generic
// listq.Page[T]), and AuditLog and EnterpriseListItem are missing from it; these mirror what the server
// sends (internal/audit View, internal/org EnterpriseListItem) until the contract describes them.
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

/** An enterprise in a regulator's jurisdiction. */
export interface EnterpriseListItem {
  id: number
  name: string
  credit_code: string
  legal_rep: string
  region_id: number
  region_name: string
  status: 'active' | 'disabled'
  admin_last_login_at: string | null
  created_at: string
}

export type EnterprisePage = Page<EnterpriseListItem>
