// Simplified Chinese, the product's language. Every string the UI shows lives in this folder, one file per
// area of src/views (app.ts holds the shell and what every area shares), so that another locale is one more
// folder of the same shape (see ../index.ts). vue-i18n reserves { } @ $ |: avoid them in plain text.
import app from './app'
import system from './system'
import platform from './platform'
import registry from './registry'
import enterprise from './enterprise'
import templates from './templates'
import standard from './standard'
import inspection from './inspection'
import hazard from './hazard'
import oversight from './oversight'
import pwa from './pwa'

/** The messages of each area. No two areas may share a top-level key: the later one would hide the other. */
export const areas = { app, system, platform, registry, enterprise, templates, standard, inspection, hazard, oversight, pwa }

const zhCN = {
  ...app,
  ...system,
  ...platform,
  ...registry,
  ...enterprise,
  ...templates,
  ...standard,
  ...inspection,
  ...hazard,
  ...oversight,
  ...pwa,
}

export type MessageSchema = typeof zhCN
export default zhCN
