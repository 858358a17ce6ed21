// Size budget of the login route (issue 15): what a phone on a weak signal downloads before it can sign in.
// Reads the build in frontend/dist (`make test-e2e` builds it first; YQYB_E2E_DIST points elsewhere).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { kB, LOGIN_BUDGET_KB, LOGIN_VIEW, loginRoute, routeFiles } from '../scripts/budget.mjs'

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', process.env.YQYB_E2E_DIST || 'dist')
const manifest = join(dist, '.vite', 'manifest.json')
const required = ['1', 'true'].includes(process.env.YQYB_REQUIRE_BROWSERS) || ['1', 'true'].includes(process.env.YQYB_REQUIRE_BINARY)
let noBuild = false
if (!existsSync(manifest)) {
  noBuild = `no build manifest at ${manifest} (run \`npm run build\` or \`make build\`)`
  if (required) throw new Error(`${noBuild}; YQYB_REQUIRE_* forbids skipping`)
  console.warn(`SKIPPING the login route budget: ${noBuild}`)
}

describe('login route budget', () => {
  it('follows static imports and CSS, not dynamic imports', () => {
    const m = {
      'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_vue.js', '_ui.js'], css: ['assets/index.css'], dynamicImports: ['src/Chart.vue', LOGIN_VIEW] },
      '_vue.js': { file: 'assets/vue.js', name: 'vue' },
      '_ui.js': { file: 'assets/ui.js', name: 'ui', imports: ['_vue.js'], css: ['assets/ui.css'] },
      '_charts.js': { file: 'assets/charts.js', name: 'echarts' },
      'src/Chart.vue': { file: 'assets/Chart.js', name: 'Chart', imports: ['_charts.js'], isDynamicEntry: true },
      [LOGIN_VIEW]: { file: 'assets/LoginView.js', name: 'LoginView', imports: ['_ui.js', '_forms.js'], css: ['assets/LoginView.css', 'assets/ui.css'], isDynamicEntry: true },
      '_forms.js': { file: 'assets/forms.js', name: 'forms' },
    }
    const r = routeFiles(m, ['index.html', LOGIN_VIEW])
    assert.deepEqual(r.js.sort(), ['assets/LoginView.js', 'assets/forms.js', 'assets/index.js', 'assets/ui.js', 'assets/vue.js'])
    assert.deepEqual(r.css.sort(), ['assets/LoginView.css', 'assets/index.css', 'assets/ui.css'])
    assert.ok(!r.names.includes('echarts'))
  })

  it(`downloads at most ${LOGIN_BUDGET_KB} kB gzip, without ECharts`, { skip: noBuild }, () => {
    const route = loginRoute(dist)
    console.log(`login route: ${kB(route.gzip)} gzip in ${route.files.length} files (budget ${LOGIN_BUDGET_KB} kB)`)
    assert.ok(!route.names.some((n) => /echarts/i.test(n)), `the login route loads ECharts: ${route.files.map((f) => f.file).join(', ')}`)
    assert.ok(
      route.gzip <= LOGIN_BUDGET_KB * 1000,
      `the login route downloads ${kB(route.gzip)} gzip, over the ${LOGIN_BUDGET_KB} kB budget:\n` +
        route.files.map((f) => `${kB(f.gzip).padStart(10)}  ${f.file}`).join('\n'),
    )
  })
})
