// Names for the API's request and answer types, derived from the generated schema (../schema.d.ts). This
// file holds what every area uses — list pages, the session and /me, /meta — and the helpers the area files
// (./<area>.ts, one per folder of src/views) derive their names with. swag leaves answer fields optional,
// so code reading them must allow for absence.
import type { components, paths } from '../schema'

/** The schemas of the contract, by name. */
export type Schemas = components['schemas']
/** The JSON body an operation takes (e.g. `JsonBody<paths['/api/v1/roles']['post']>`). */
export type JsonBody<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never
/** The JSON an operation answers with 200. */
export type JsonOk<Op> = Op extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never

/** Every list answer: {items, total, page, page_size}. */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

// Named by path and method rather than by schema name, which depends on the backend's Go package names.
export type Meta = JsonOk<paths['/api/v1/meta']['get']>
export type LoginRequest = JsonBody<paths['/api/v1/auth/login']['post']>
export type LoginMode = LoginRequest['mode']
export type TokenResponse = JsonOk<paths['/api/v1/auth/login']['post']>
export type ChangePasswordRequest = JsonBody<paths['/api/v1/me/password']['post']>
export type Me = JsonOk<paths['/api/v1/me']['get']>
/** A code of the permission catalogue, generated from the contract: a typo in v-permission, a route's
 *  meta.permission or hasPermission fails the type check. */
export type PermissionCode = Schemas['PermissionCode']
export type CurrentUser = NonNullable<Me['user']>
export type UserKind = NonNullable<CurrentUser['kind']>
/** A menu entry: the server's tree (/me menus), plus 首页 ('home'), which the SPA adds for everyone. */
export type MenuNode = Omit<NonNullable<Me['menus']>[number], 'code' | 'children'> & {
  code: PermissionCode | 'home'
  children?: MenuNode[]
}
