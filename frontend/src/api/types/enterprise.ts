// API types of the enterprise's own pages (views/enterprise): its data and catalogues, departments, posts
// and their responsibility documents, associations and group members, setup and completeness.
import type { Schemas } from './index'

export type EnterpriseProfile = Schemas['EnterpriseProfile']
export type EnterpriseInput = Schemas['Input']
export type ProfileInput = Schemas['ProfileInput']
export type EnterpriseScale = EnterpriseInput['scale']

export type Catalogs = Schemas['Catalogs']
export type CatalogOption = Schemas['Option']
export type MainBusiness = Schemas['MainBusiness']

export type Department = Schemas['Department']
export type DeptInput = Schemas['DeptInput']
/** A post (岗位) of the enterprise. */
export type OrgPost = Schemas['Post']
export type PostInput = Schemas['PostInput']
/** A post as a choice in a form or filter, with its department (GET /api/v1/post-options). */
export type PostChoice = Schemas['PostChoice']
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
