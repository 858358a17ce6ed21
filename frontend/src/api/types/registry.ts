// API types of 企业登记 (views/registry): the enterprises in a regulator's jurisdiction, registering and
// importing them, their detail and their accounts.
import type { Page, Schemas } from './index'

export type RegistryItem = Schemas['RegistryItem']
export type RegistryDetail = Schemas['RegistryDetail']
export type RegisteredEnterprise = Schemas['RegisteredEnterprise']
export type InitialAccount = Schemas['InitialAccount']
export type EnterpriseAccountState = Schemas['EnterpriseAccountState']
export type EnterpriseAccount = Schemas['ResetEnterpriseRequest']['account']
export type ImportEnterprisesResult = Schemas['ImportEnterprisesResult']

// The contract declares the list answer as an empty object and lacks EnterpriseListItem; this mirrors what
// the server sends (internal/org EnterpriseListItem) until the contract describes it.
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
