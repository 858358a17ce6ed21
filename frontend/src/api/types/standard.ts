// API types of 标准管理 (views/standard): the enterprise standard and its template changes, hazard grades,
// post checklists.
import type { Schemas } from './index'

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
export type PostWithoutChecklist = Schemas['PostWithoutChecklist']
export type Frequency = ChecklistInput['frequency']

/** One problem of a rejected import (details.errors of `import_rejected`). */
export interface ImportRowError {
  row: number
  column: string
  message: string
}

/** The frequencies in their natural order (FAQ 8). */
export const FREQUENCIES: readonly Frequency[] = ['daily', 'weekly', 'half_monthly', 'monthly', 'quarterly', 'yearly']
