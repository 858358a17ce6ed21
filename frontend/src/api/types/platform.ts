// API types of 平台管理 (views/platform): regulator accounts (users of kind regulator, see ./system) and the
// regions every area picks from.
import type { paths } from '../schema'
import type { JsonBody, Schemas } from './index'

export type RegulatorInput = JsonBody<paths['/api/v1/platform/regulators']['post']>
export type Region = Schemas['Region']
export type RegionInput = Schemas['RegionInput']
