// API types of 模板标准 (views/templates). A template item is written with the standard's ItemInput.
import type { Schemas } from './index'

export type TemplateSummary = Schemas['TemplateSummary']
export type Template = Schemas['Template']
export type TemplateCategory = Schemas['TemplateCategory']
export type TemplateItem = Schemas['TemplateItem']
