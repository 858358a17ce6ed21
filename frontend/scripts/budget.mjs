// What the login route downloads: the entry chunk and every chunk it imports statically, the login view's
// chunk and its static imports, and the CSS of all of them, gzip-compressed (zlib's default level, as a
// server or proxy compresses on the fly). Read from the build's manifest (dist/.vite/manifest.json).
//
//   node scripts/budget.mjs [dist]   prints the figure per file and the total; exits 1 above the budget
//
// e2e/budget.test.mjs runs the same check on the build `make test-e2e` makes.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

/** The login route's budget: JS and CSS together, gzip, in kB (1000 bytes). */
export const LOGIN_BUDGET_KB = 350

/** The source of the login page, as the manifest names it. */
export const LOGIN_VIEW = 'src/views/LoginView.vue'

/**
 * The files a route downloads before it shows: `keys` (manifest keys: the entry, a view) and every chunk they
 * import statically, transitively, with the CSS of each. Dynamic imports are not followed. Returns
 * { js: [file], css: [file], names: [chunk name] } in the manifest's terms (paths relative to dist).
 */
export function routeFiles(manifest, keys) {
  const seen = new Set()
  const js = []
  const css = new Set()
  const names = []
  const visit = (key) => {
    if (seen.has(key)) return
    seen.add(key)
    const chunk = manifest[key]
    if (!chunk) throw new Error(`the build manifest has no chunk ${key}`)
    js.push(chunk.file)
    if (chunk.name) names.push(chunk.name)
    for (const c of chunk.css ?? []) css.add(c)
    for (const dep of chunk.imports ?? []) visit(dep)
  }
  for (const key of keys) visit(key)
  return { js, css: [...css], names }
}

/** The manifest key of the HTML entry. */
export function entryKey(manifest) {
  const key = Object.keys(manifest).find((k) => manifest[k].isEntry)
  if (!key) throw new Error('the build manifest has no entry chunk')
  return key
}

/** Measures the login route of the build in `dist`: { files: [{ file, bytes, gzip }], gzip, names }. */
export function loginRoute(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'))
  const { js, css, names } = routeFiles(manifest, [entryKey(manifest), LOGIN_VIEW])
  const files = [...js, ...css].map((file) => {
    const body = readFileSync(join(dist, file))
    return { file, bytes: body.length, gzip: gzipSync(body).length }
  })
  return { files, gzip: files.reduce((n, f) => n + f.gzip, 0), names }
}

/** "342.1 kB" */
export const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), '..', '..', 'dist'))
  const route = loginRoute(dist)
  for (const f of route.files.sort((a, b) => b.gzip - a.gzip)) console.log(`${kB(f.gzip).padStart(10)}  ${f.file}`)
  console.log(`${kB(route.gzip).padStart(10)}  login route, gzip (budget ${LOGIN_BUDGET_KB} kB)`)
  if (route.gzip > LOGIN_BUDGET_KB * 1000) process.exit(1)
}
