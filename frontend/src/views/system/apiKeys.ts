// API密钥: the calls of the enterprise's page (系统管理 → API密钥) and the regulator's (监管 → API密钥),
// which differ only in their paths, and the rules of the create form.
import { api, ok } from '@/api/client'
import type { Page } from '@/api/types'
import type { APIKey, APIKeyInput, APIKeyScope, CreatedAPIKey } from '@/api/types/system'

export type KeyOwner = 'enterprise' | 'region'

export const DEFAULT_RATE_LIMIT = 600
export const MAX_RATE_LIMIT = 6000

export function listKeys(owner: KeyOwner): Promise<Page<APIKey>> {
  const query = { page_size: 100 }
  return (owner === 'region'
    ? ok(api.GET('/api/v1/regulator/api-keys', { params: { query } }))
    : ok(api.GET('/api/v1/api-keys', { params: { query } }))) as Promise<Page<APIKey>>
}

export async function listScopes(owner: KeyOwner): Promise<APIKeyScope[]> {
  const r = owner === 'region' ? await ok(api.GET('/api/v1/regulator/api-key-scopes')) : await ok(api.GET('/api/v1/api-key-scopes'))
  return r.items ?? []
}

export function createKey(owner: KeyOwner, body: APIKeyInput): Promise<CreatedAPIKey> {
  return owner === 'region' ? ok(api.POST('/api/v1/regulator/api-keys', { body })) : ok(api.POST('/api/v1/api-keys', { body }))
}

export function revokeKey(owner: KeyOwner, id: number): Promise<APIKey> {
  const params = { path: { id } }
  return owner === 'region' ? ok(api.POST('/api/v1/regulator/api-keys/{id}/revoke', { params })) : ok(api.POST('/api/v1/api-keys/{id}/revoke', { params }))
}

export interface KeyForm {
  name: string
  scopes: string[]
  rateLimit: number | null
  /** An ISO date-time, or '' for a key that lasts until revoked. */
  expiresAt: string
}

/** The request for the form: a trimmed name, the default limit and no expiry left out. */
export function createBody(f: KeyForm): APIKeyInput {
  const body: APIKeyInput = { name: f.name.trim(), scopes: [...f.scopes] }
  if (f.rateLimit && f.rateLimit !== DEFAULT_RATE_LIMIT) body.rate_limit = f.rateLimit
  if (f.expiresAt) body.expires_at = f.expiresAt
  return body
}

export function statusTag(status: APIKey['status']): 'success' | 'info' | 'danger' {
  if (status === 'active') return 'success'
  if (status === 'revoked') return 'danger'
  return 'info'
}
