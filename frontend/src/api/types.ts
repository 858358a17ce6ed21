// Names for the API's request and answer types, derived from the generated schema by path and method
// (not by schema name, which depends on the backend's Go package names). swag leaves answer fields
// optional, so code reading them must allow for absence.
import type { paths } from './schema'

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
