// Words users see (issue 18): audit object types in Chinese for every type the server records, tips that
// point to manual chapters that exist, and no bare "(FAQ 7)" references in any text.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import zh from '@/locales/zh-CN'
import { MANUAL_CHAPTERS } from '@/views/help/chapters'

const root = resolve(__dirname, '../..')
const repo = resolve(root, '..')

function files(dir: string, ext: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...files(p, ext))
    else if (p.endsWith(ext) && !p.endsWith('_test.go') && !p.endsWith('.gen.go')) out.push(p)
  }
  return out
}

describe('audit object types', () => {
  it('every type the server records has a Chinese name', () => {
    const types = new Set<string>()
    for (const f of [...files(join(repo, 'internal'), '.go'), ...files(join(repo, 'api'), '.go')]) {
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(/TargetType:\s*"([a-z_]+)"/g)) types.add(m[1]!)
      // internal/standard records through helpers taking the type as a string argument.
      for (const m of src.matchAll(/\b(?:s|t)\.(?:audit|record)\(ctx, tx, a, (?:[a-zA-Z.]+, ){0,2}"([a-z_]+)"/g)) types.add(m[1]!)
    }
    expect(types.size).toBeGreaterThan(10)
    const named = (zh as { audit: { targetTypes: Record<string, string> } }).audit.targetTypes
    const missing = [...types].filter((t) => !named[t] || /[a-z]/i.test(named[t]!))
    expect(missing).toEqual([])
  })
})

describe('references to the manual', () => {
  const chapters = new Map<string, string>()
  for (const f of readdirSync(join(repo, 'internal/manual/content'))) {
    const m = /^\d+-(.+)\.md$/.exec(f)
    if (m) chapters.set(m[1]!, readFileSync(join(repo, 'internal/manual/content', f), 'utf8').split('\n')[0]!.replace(/^# /, '').trim())
  }

  it('the chapters pages link to exist, with their titles', () => {
    for (const [slug, title] of Object.entries(MANUAL_CHAPTERS)) expect(chapters.get(slug), slug).toBe(title)
  })

  it('every link to a chapter in the SPA names one that exists', () => {
    const bad: string[] = []
    for (const f of [...files(join(root, 'src'), '.vue'), ...files(join(root, 'src'), '.ts')]) {
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(/<ManualLink\s+chapter="([^"]+)"/g)) if (!chapters.has(m[1]!)) bad.push(`${f}: ${m[1]}`)
      for (const m of src.matchAll(/['"`]\/help\/([a-z0-9-]+)['"`]/g)) if (!chapters.has(m[1]!)) bad.push(`${f}: /help/${m[1]}`)
    }
    expect(bad).toEqual([])
  })

  it('no text shows a bare FAQ number', () => {
    const bad: string[] = []
    const walk = (v: unknown, path: string) => {
      if (typeof v === 'string') {
        if (/FAQ\s*\d|第二版目录/.test(v)) bad.push(`${path}: ${v}`)
      } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`)
    }
    walk(zh, 'zh-CN')
    expect(bad).toEqual([])
  })
})

describe('notices link to the manual', () => {
  // Every info notice at the top of a page or dialog explains a rule users follow, so it ends with a link
  // to the manual chapter that explains the rule in full.
  it('every info page or dialog notice carries a ManualLink', () => {
    const bad: string[] = []
    let seen = 0
    for (const f of files(join(root, 'src'), '.vue')) {
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(/<el-alert\b([^>]*?)(\/>|>([\s\S]*?)<\/el-alert>)/g)) {
        const attrs = m[1]!
        if (!/\btype="info"/.test(attrs) || !/\bclass="(page-notice|dialog-notice)"/.test(attrs)) continue
        seen++
        if (!/<ManualLink\s+chapter="/.test(m[3] ?? '')) bad.push(`${f.slice(root.length + 1)}: ${attrs.trim().slice(0, 120)}`)
      }
    }
    expect(seen).toBeGreaterThan(15)
    expect(bad).toEqual([])
  })
})
