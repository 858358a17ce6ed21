// Types of scripts/pwa.mjs for vite.config.ts.
import type { Plugin } from 'vite'

export interface PrecacheEntry {
  url: string
  revision: string | null
}
export function precompress(dist: string): { file: string; bytes: number; br: number; gz: number }[]
export function shellFiles(dist: string): { precache: PrecacheEntry[]; optional: string[] }
export function writeServiceWorker(dist: string): { version: string; precache: PrecacheEntry[]; optional: string[] }
export function pwaBuild(): Plugin
