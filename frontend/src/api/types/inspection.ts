// API types of 隐患排查 (views/inspection): a post user's checklists in their periods, the form, the history
// and the usage rate.
import type { Schemas } from './index'

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
