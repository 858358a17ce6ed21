// API types of 隐患台账 and 重大隐患 (views/hazard): hazards, their events, assignment and evidence, and the
// files (photos) they carry.
import type { Schemas } from './index'

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
