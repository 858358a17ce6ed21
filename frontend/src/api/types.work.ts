// Names for the API types of standards, checklists, inspections and hazards (issues 5 and 6), taken from
// the generated schema by schema name.
import type { components } from './schema'

type Schemas = components['schemas']

export type TemplateSummary = Schemas['TemplateSummary']
export type Template = Schemas['Template']
export type TemplateCategory = Schemas['TemplateCategory']
export type TemplateItem = Schemas['TemplateItem']
export type Standard = Schemas['Standard']
export type StandardCategory = Schemas['StandardCategory']
export type StandardItem = Schemas['StandardItem']
export type ItemInput = Schemas['ItemInput']
export type CategoryInput = Schemas['CategoryInput']
export type TemplateChange = Schemas['TemplateChange']
export type TemplateChanges = Schemas['TemplateChanges']
export type HazardGrade = Schemas['HazardGrade']
export type GradeInput = Schemas['GradeInput']
export type LegalLevel = HazardGrade['legal_level']

export type Checklist = Schemas['Checklist']
export type ChecklistSummary = Schemas['ChecklistSummary']
export type ChecklistItem = Schemas['ChecklistItem']
export type ChecklistInput = Schemas['ChecklistInput']
export type ChecklistCoverage = Schemas['ChecklistCoverage']
export type ChecklistImportResult = Schemas['ChecklistImportResult']
export type Frequency = ChecklistInput['frequency']
export type Catalogs = Schemas['Catalogs']

export type MyInspections = Schemas['MyInspections']
export type InspectionSlot = Schemas['InspectionSlot']
export type Period = Schemas['Period']
export type Inspection = Schemas['Inspection']
export type InspectionAnswer = Schemas['InspectionAnswer']
export type AnswerInput = Schemas['AnswerInput']
export type AnswerResult = AnswerInput['result']
export type InspectionSummary = Schemas['InspectionSummary']
export type UsageRate = Schemas['UsageRate']
export type MissedPeriod = Schemas['MissedPeriod']

export type Hazard = Schemas['Hazard']
export type HazardDetail = Schemas['HazardDetail']
export type HazardEvent = Schemas['HazardEvent']
export type HazardStatus = Hazard['status']
export type RectificationPlan = Schemas['RectificationPlan']
export type AssignInput = Schemas['AssignInput']
export type EvidenceInput = Schemas['EvidenceInput']
export type ReportInput = Schemas['ReportInput']
export type UploadedFile = Schemas['File']
export type UserOption = Schemas['UserOption']
export type Post = Schemas['Post']
export type PostWithoutChecklist = Schemas['PostWithoutChecklist']

/** One problem of a rejected import (details.errors of `import_rejected`). */
export interface ImportRowError {
  row: number
  column: string
  message: string
}

/** The frequencies in their natural order (FAQ 8). */
export const FREQUENCIES: readonly Frequency[] = ['daily', 'weekly', 'half_monthly', 'monthly', 'quarterly', 'yearly']
