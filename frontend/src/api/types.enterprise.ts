// Names for the API types of the enterprise registry and structure pages (issue 4): registry, profile,
// departments, posts and their responsibility documents, associations, setup and completeness, regions.
// Taken from the generated schema by schema name; swag leaves some answer fields optional, so readers
// allow for absence where the contract does.
import type { components, paths } from './schema'

type Schemas = components['schemas']
type JsonOk<Op> = Op extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never

export type RegistryItem = Schemas['RegistryItem']
export type RegistryDetail = Schemas['RegistryDetail']
export type RegisteredEnterprise = Schemas['RegisteredEnterprise']
export type InitialAccount = Schemas['InitialAccount']
export type EnterpriseAccountState = Schemas['EnterpriseAccountState']
export type EnterpriseProfile = Schemas['EnterpriseProfile']
export type EnterpriseInput = Schemas['Input']
export type ProfileInput = Schemas['ProfileInput']
export type EnterpriseScale = EnterpriseInput['scale']
export type ImportEnterprisesResult = Schemas['ImportEnterprisesResult']

export type Catalogs = Schemas['Catalogs']
export type CatalogOption = Schemas['Option']
export type MainBusiness = Schemas['MainBusiness']

export type Department = Schemas['Department']
export type DeptInput = Schemas['DeptInput']
export type OrgPost = Schemas['Post']
export type PostInput = Schemas['PostInput']
export type PostDocument = Schemas['PostDocument']
export type ResponsibilityLevel = PostInput['responsibility_level']
export type PostFrequency = PostInput['default_frequency']

export type Association = Schemas['Association']
export type AssociationStatus = Association['status']
export type AssociationCandidate = Schemas['AssociationCandidate']
export type GroupMember = Schemas['GroupMemberView']

export type SetupStatus = Schemas['SetupStatus']
export type SetupStep = Schemas['SetupStep']
export type CompletenessPart = Schemas['CompletenessPart']
export type SetupSummary = Schemas['SetupSummary']

export type RegionRecord = Schemas['Region']
export type RegionInput = Schemas['RegionInput']

export type UsageRateAnswer = JsonOk<paths['/api/v1/usage']['get']>
export type MyInspectionsAnswer = JsonOk<paths['/api/v1/my/inspections']['get']>
export type MySlot = MyInspectionsAnswer['slots'][number]
