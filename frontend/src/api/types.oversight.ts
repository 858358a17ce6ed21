// Names for the API types of statistics, dashboards, reports and supervision (issue 7), taken from the
// generated schema by schema name.
import type { components } from './schema'

type Schemas = components['schemas']

export type Dashboard = Schemas['Dashboard']
export type Figures = Schemas['Figures']
export type HalfUsage = Schemas['HalfUsage']
export type LevelFigures = Schemas['LevelFigures']
export type GradeCount = Schemas['GradeCount']
export type RegionRollup = Schemas['RegionRollup']
export type RankedEnterprise = Schemas['RankedEnterprise']
export type OpenMajorHazard = Schemas['OpenMajorHazard']
export type ReportStatus = Schemas['ReportStatus']
export type RegionInfo = Schemas['Region']
export type EnterpriseSummary = Schemas['EnterpriseSummary']
export type EnterpriseDashboard = Schemas['EnterpriseDashboard']
export type PeriodInspections = Schemas['PeriodInspections']
export type SupervisedHazard = Schemas['SupervisedHazard']
export type Supervision = Schemas['Supervision']
export type HazardReport = Schemas['HazardReport']
export type ReportFigures = Schemas['ReportFigures']
export type ReportLevel = Schemas['ReportLevel']
export type ReportMajor = Schemas['ReportMajor']
export type ReportSignoff = Schemas['ReportSignoff']
export type SignReportInput = Schemas['SignReportInput']
export type SuperviseInput = Schemas['SuperviseInput']
export type CurrentFigures = Schemas['CurrentFigures']
