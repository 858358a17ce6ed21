// Browser-test harness: the real backend binary on a throw-away SQLite database, and Chromium
// (playwright-core) or Firefox ESR (puppeteer-core over WebDriver BiDi) behind one small page API.
// Test files import from here and add tests; nothing here knows about particular pages.
//
// Environment:
//   YQYB_BIN                path of the backend binary (default ../bin/yqyb, relative to frontend/)
//   YQYB_CHROMIUM           Chromium executable (default /usr/bin/chromium)
//   YQYB_FIREFOX            Firefox ESR executable (default /usr/bin/firefox-esr)
//   YQYB_E2E_BROWSERS       comma-separated subset of "chromium,firefox" (default both)
//   YQYB_REQUIRE_BROWSERS=1 a missing browser or binary fails the run instead of skipping (CI sets it)
//   YQYB_REQUIRE_BINARY=1   a missing binary fails the run (implied by YQYB_REQUIRE_BROWSERS=1)
//   YQYB_E2E_KEEP=1         keep the server's temporary data directory
//   YQYB_E2E_SPA_DIR        serve the SPA from this directory (e.g. dist) through a small proxy in
//                           front of the binary, instead of the copy embedded in the binary: tests a
//                           fresh `npm run build` without rebuilding the Go binary
//   YQYB_A11Y=report        accessibility violations are printed and logged but do not fail the tests
//                           (to survey a branch); anything else, or unset, fails a page on a violation
//
// Accessibility: every page is scanned with axe-core (WCAG 2.0/2.1 A and AA, the rules behind GB/T 37668-2019)
// each time the SPA shows a new route and at every screenshot; Page.close() fails the test on a violation.
// Each scan is appended to e2e/artifacts/a11y.jsonl (browser, path, violations per rule).
import { execFile, spawn } from 'node:child_process'
import { accessSync, appendFileSync, constants, copyFileSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer as createHttpServer, request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const execFileP = promisify(execFile)
const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export const ARTIFACTS = join(frontendDir, 'e2e', 'artifacts')
export const PRODUCT_NAME = '北京市安全生产事故隐患排查信息系统'

const truthy = (v) => v === '1' || v === 'true'
const requireBrowsers = truthy(process.env.YQYB_REQUIRE_BROWSERS)
const requireBinary = requireBrowsers || truthy(process.env.YQYB_REQUIRE_BINARY)

export const BINARY = resolve(frontendDir, process.env.YQYB_BIN || '../bin/yqyb')

export const BROWSERS = {
  chromium: process.env.YQYB_CHROMIUM || '/usr/bin/chromium',
  firefox: process.env.YQYB_FIREFOX || '/usr/bin/firefox-esr',
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function loud(message) {
  const bar = '!'.repeat(78)
  console.warn(`\n${bar}\n!! ${message}\n${bar}\n`)
}

/**
 * Why the tests cannot run (a string, to pass as node:test's `skip`), or false when they can.
 * Throws instead when the environment demands the missing piece.
 */
export function binarySkip() {
  if (executable(BINARY)) return false
  const msg = `backend binary not found or not executable: ${BINARY} (build it with \`make build\`, or set YQYB_BIN)`
  if (requireBinary) throw new Error(`${msg}; YQYB_REQUIRE_BINARY/YQYB_REQUIRE_BROWSERS forbids skipping`)
  loud(`SKIPPING browser tests: ${msg}`)
  return msg
}

/** The browsers to test, each with a skip reason (false when it can run). */
export function browserMatrix() {
  const wanted = (process.env.YQYB_E2E_BROWSERS || 'chromium,firefox')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return wanted.map((name) => {
    if (!(name in BROWSERS)) throw new Error(`unknown browser in YQYB_E2E_BROWSERS: ${name}`)
    const path = BROWSERS[name]
    if (executable(path)) return { name, skip: false }
    const msg = `${name} not found at ${path} (apt-get install -y ${name === 'firefox' ? 'firefox-esr' : 'chromium'} fonts-noto-cjk)`
    if (requireBrowsers) throw new Error(`${msg}; YQYB_REQUIRE_BROWSERS=1 forbids skipping`)
    loud(`SKIPPING ${name} tests: ${msg}`)
    return { name, skip: msg }
  })
}

// ---------------------------------------------------------------------------------------------
// The backend

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolvePort(port))
    })
  })
}

const running = new Set()
// Never leave a server behind, whatever way the test process ends.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const child of running) child.kill('SIGKILL')
    process.exit(130)
  })
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/**
 * Starts a fresh backend: `migrate up`, `seed`, then `serve` on a free port, all with
 * YQYB_DATA_DIR=<temp dir> and YQYB_ENV=development. Resolves once /readyz answers 200.
 * `label` names the server log saved under e2e/artifacts; `extraEnv` adds settings (e.g. YQYB_WEBUI_DIR).
 */
export async function startServer(label = 'server', extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'yqyb-e2e-'))
  const env = { ...process.env, YQYB_DATA_DIR: dataDir, YQYB_ENV: 'development', YQYB_SERVE_SPA: 'true', YQYB_SHUTDOWN_TIMEOUT: '5s', ...extraEnv }
  // The temporary SQLite database and generated secret must be used, whatever the caller's shell has.
  delete env.DATABASE_URL
  delete env.YQYB_JWT_SECRET
  delete env.YQYB_JWT_KEYS
  delete env.YQYB_ADDR

  const cleanup = () => {
    if (!truthy(process.env.YQYB_E2E_KEEP)) rmSync(dataDir, { recursive: true, force: true })
    else console.log(`kept server data in ${dataDir}`)
  }

  for (const args of [['migrate', 'up'], ['seed']]) {
    try {
      await execFileP(BINARY, args, { env, timeout: 120_000 })
    } catch (e) {
      cleanup()
      throw new Error(`\`yqyb ${args.join(' ')}\` failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`)
    }
  }

  const port = await freePort()
  const addr = `127.0.0.1:${port}`
  const logFile = join(dataDir, 'server.log')
  const log = createWriteStream(logFile)
  const child = spawn(BINARY, ['serve', '--addr', addr], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.pipe(log)
  child.stderr.pipe(log)
  running.add(child)
  let exited = null
  const exit = new Promise((r) => child.once('exit', (code, signal) => r((exited = { code, signal }))))

  const url = `http://${addr}`
  const server = {
    url,
    port,
    dataDir,
    logFile,
    /** SIGTERM, then SIGKILL if it has not stopped within 15 s; saves the log to artifacts. */
    async stop() {
      if (!exited) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exit
        clearTimeout(timer)
      }
      running.delete(child)
      await new Promise((r) => log.end(r))
      try {
        mkdirSync(ARTIFACTS, { recursive: true })
        copyFileSync(logFile, join(ARTIFACTS, `${label}.log`))
      } catch {
        // The log is a convenience.
      }
      cleanup()
      return exited
    },
  }

  try {
    const deadline = Date.now() + 30_000
    for (;;) {
      if (exited) throw new Error(`server exited early (${JSON.stringify(exited)})`)
      try {
        const res = await fetch(`${url}/readyz`)
        if (res.status === 200) break
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error('server not ready within 30 s (GET /readyz never answered 200)')
      await new Promise((r) => setTimeout(r, 200))
    }
    const page = await fetch(`${url}/login`)
    const html = await page.text()
    if (!process.env.YQYB_E2E_SPA_DIR && (page.status !== 200 || !html.includes('<div id="app">'))) {
      throw new Error(
        `the binary does not serve the SPA (GET /login → ${page.status}); ` +
          'build it after `npm run build` so it embeds frontend/dist (`make build` does both), ' +
          'or set YQYB_E2E_SPA_DIR=dist to serve frontend/dist beside it',
      )
    }
    if (process.env.YQYB_E2E_SPA_DIR) await serveSpaFrom(server, resolve(frontendDir, process.env.YQYB_E2E_SPA_DIR))
  } catch (e) {
    const logTail = tail(logFile)
    await server.stop()
    throw new Error(`${e.message}\n--- server log (tail) ---\n${logTail}`)
  }
  return server
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
}

// Puts a proxy on its own port in front of `server`: API paths go to the binary, everything else is
// answered from `dir` the way the binary answers from its embedded copy (index.html for page paths,
// 404 for a missing file). Rewrites server.url to the proxy.
async function serveSpaFrom(server, dir) {
  statSync(join(dir, 'index.html'))
  const backend = new URL(server.url)
  const proxy = createHttpServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    if (path.startsWith('/api/') || path === '/healthz' || path === '/readyz') {
      const up = httpRequest(
        { host: backend.hostname, port: backend.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode, r.headers)
          r.pipe(res)
        },
      )
      up.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      req.pipe(up)
      return
    }
    let file = normalize(join(dir, path))
    if (!file.startsWith(dir + sep)) file = join(dir, 'index.html')
    let isFile = false
    try {
      isFile = statSync(file).isFile()
    } catch {
      isFile = false
    }
    if (!isFile) {
      if (extname(path)) {
        res.writeHead(404)
        res.end()
        return
      }
      file = join(dir, 'index.html')
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' })
    createReadStream(file).pipe(res)
  })
  const port = await freePort()
  await new Promise((r) => proxy.listen(port, '127.0.0.1', r))
  const stop = server.stop
  server.url = `http://127.0.0.1:${port}`
  server.port = port
  server.stop = async () => {
    proxy.closeAllConnections()
    await new Promise((r) => proxy.close(r))
    return stop()
  }
}

/**
 * A JSON request straight to the server, bypassing the browser (to learn what the server says, or to
 * prepare data). `token` is an access token for signed-in calls.
 */
export async function apiCall(server, method, path, body, token) {
  const headers = {}
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = `Bearer ${token}`
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: res.status, body: json, text }
}

/** Signs in through the API and returns the access token; fails the test on anything but 200. */
export async function apiLogin(server, mode, username, password) {
  const res = await apiCall(server, 'POST', '/api/v1/auth/login', { mode, username, password })
  if (res.status !== 200 || !res.body?.access_token) {
    throw new Error(`API login as ${username} failed: ${res.status} ${res.text}`)
  }
  return res.body.access_token
}

// The demo scenario `yqyb seed` loads (its output lists the same accounts).
export const DEMO_PASSWORD = 'Demo@2026'
export const DEMO = {
  platformAdmin: { mode: 'personal', username: '平台管理员' },
  cityRegulator: { mode: 'personal', username: '北京市应急管理局' },
  districtRegulator: { mode: 'personal', username: '朝阳区安监局' },
  enterpriseAdmin: { mode: 'personal', username: '北京朝阳示范商场有限公司', enterprise: '北京朝阳示范商场有限公司' },
  enterpriseUser: { mode: 'enterprise', username: '91110105MA01ABCD13', enterprise: '北京朝阳示范商场有限公司' },
  safetyOfficer: { mode: 'personal', username: '朝阳商场-安全员' },
  electrician: { mode: 'personal', username: '朝阳商场-电工' },
  otherEnterpriseAdmin: { mode: 'personal', username: '北京海淀精工机械有限公司' },
}

// ---------------------------------------------------------------------------------------------
// Browsers

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launches one browser; returns { name, newPage(opts), close() }. */
export async function launchBrowser(name) {
  if (name === 'chromium') {
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({ executablePath: BROWSERS.chromium, headless: true, args: CHROMIUM_ARGS })
    return {
      name,
      async newPage({ width = 1366, height = 800, phone = false } = {}) {
        // Each page gets its own context: a fresh profile with empty localStorage and cookies.
        const [page] = await this.newTabs(1, { width, height, phone })
        return page
      },
      /**
       * n tabs of one browser profile: they share localStorage and cookies; closing the first closes all.
       * `phone`: a touch screen and a mobile viewport (meta viewport honoured), as on a phone.
       */
      async newTabs(n, { width = 1366, height = 800, phone = false } = {}) {
        const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', ...(phone ? { hasTouch: true, isMobile: true } : {}) })
        await context.addInitScript(WATCH_CSP)
        const pages = []
        for (let i = 0; i < n; i++) {
          const raw = await context.newPage()
          pages.push(new Page(name, raw, i === 0 ? () => context.close() : () => raw.close()))
        }
        return pages
      },
      close: () => browser.close(),
    }
  }
  if (name === 'firefox') {
    const puppeteer = (await import('puppeteer-core')).default
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: BROWSERS.firefox,
      headless: true,
      extraPrefsFirefox: { 'intl.accept_languages': 'zh-CN' },
    })
    return {
      name,
      async newPage({ width = 1366, height = 800, phone = false } = {}) {
        const [page] = await this.newTabs(1, { width, height, phone })
        return page
      },
      async newTabs(n, { width = 1366, height = 800, phone = false } = {}) {
        const context = await browser.createBrowserContext()
        const pages = []
        for (let i = 0; i < n; i++) {
          const raw = await context.newPage()
          await raw.setViewport({ width, height, ...(phone ? { hasTouch: true, isMobile: true } : {}) })
          await raw.evaluateOnNewDocument(WATCH_CSP)
          pages.push(new Page(name, raw, i === 0 ? () => context.close() : () => raw.close()))
        }
        return pages
      },
      close: () => browser.close(),
    }
  }
  throw new Error(`unknown browser ${name}`)
}

/** The few page operations tests need, the same for both drivers. */
export class Page {
  constructor(browser, raw, close) {
    this.browser = browser
    this.raw = raw
    this._close = close
    this.isPlaywright = browser === 'chromium'
  }

  async goto(url) {
    await this.raw.goto(url, { waitUntil: 'load', timeout: 30_000 })
  }

  /**
   * Scans what the page shows now with axe-core (WCAG 2 A/AA); a violation not seen before on this page
   * throws (fails the test) with a summary, unless YQYB_A11Y=report. Runs by itself on each new route, at
   * each screenshot and in close(); call it for a state in between (an open dialog) that has no screenshot.
   */
  async a11yScan(label = '') {
    if (!this._a11y) this._a11y = { found: new Map(), lastPath: null }
    // about:blank (a tab not yet navigated, or one the browser is tearing down) is not the product's page.
    const path = await this.evaluate(() => (location.protocol === 'about:' ? null : location.pathname + location.search)).catch(() => null)
    if (path === null) return []
    this._a11y.lastPath = path
    const violations = await scanA11y(this)
    logA11y(this.browser, path, label, violations)
    const fresh = []
    for (const v of violations) {
      for (const target of v.targets) {
        const key = `${v.id} ${path} ${target.split('  ')[0]}`
        if (this._a11y.found.has(key)) continue
        const f = { ...v, path, target }
        this._a11y.found.set(key, f)
        fresh.push(f)
      }
    }
    // The test that showed the page fails here, at the page (pages shared by several tests are closed in
    // after-hooks, too late to fail anything); close() reports what the last scan found.
    if (fresh.length && label !== 'close') this._a11yFail(fresh)
    return violations
  }

  _a11yFail(found) {
    const msg = `accessibility (axe-core, WCAG 2 A/AA) violations in ${this.browser}:\n${summarizeA11y(found)}`
    for (const f of found) f.reported = true
    if (process.env.YQYB_A11Y === 'report') console.warn(msg)
    else throw new Error(msg)
  }

  // After a wait succeeds: a route the page has not been scanned on yet is scanned now.
  async _scanIfNewRoute() {
    const path = await this.evaluate(() => location.pathname + location.search).catch(() => null)
    if (path === null || path === this._a11y?.lastPath) return
    await this.a11yScan('route')
  }

  /** A readable summary of the violations recorded so far ('' when none). */
  a11ySummary() {
    return summarizeA11y([...(this._a11y?.found.values() ?? [])])
  }

  title() {
    return this.raw.title()
  }

  url() {
    return this.raw.url()
  }

  evaluate(fn, arg) {
    return this.raw.evaluate(fn, arg)
  }

  async waitFor(fn, arg, timeout = 15_000) {
    if (this.isPlaywright) await this.raw.waitForFunction(fn, arg, { timeout, polling: 100 })
    else await this.raw.waitForFunction(fn, { timeout, polling: 100 }, arg)
    await this._scanIfNewRoute()
  }

  /** Waits until the page shows `text` (in a visible element's text). */
  async waitForText(text, timeout) {
    try {
      await this.waitFor((t) => document.body && document.body.innerText.includes(t), text, timeout)
    } catch (e) {
      const body = await this.evaluate(() => (document.body ? document.body.innerText : '')).catch(() => '')
      throw new Error(`page never showed ${JSON.stringify(text)}; it shows:\n${body.slice(0, 2000)}`, { cause: e })
    }
  }

  async waitForSelector(selector, timeout = 15_000) {
    if (this.isPlaywright) await this.raw.waitForSelector(selector, { timeout, state: 'visible' })
    // Puppeteer polls `visible` on animation frames, which Firefox stops in a tab that is not in front (two
    // tabs of one profile): poll on a timer instead, with the same meaning of visible (a box, not hidden).
    else {
      await this.raw.waitForFunction(
        (s) => {
          const el = document.querySelector(s)
          if (!el || getComputedStyle(el).visibility === 'hidden') return false
          const r = el.getBoundingClientRect()
          return r.width > 0 && r.height > 0
        },
        { timeout, polling: 100 },
        selector,
      )
    }
    await this._scanIfNewRoute()
  }

  /** innerText of the first element matching `selector`, or null. */
  text(selector) {
    return this.evaluate((s) => {
      const el = document.querySelector(s)
      return el ? el.innerText : null
    }, selector)
  }

  async type(selector, value) {
    await this.waitForSelector(selector)
    if (this.isPlaywright) {
      await this.raw.fill(selector, value)
    } else {
      await this.raw.locator(selector).fill(value)
    }
  }

  async click(selector) {
    await this.waitForSelector(selector)
    await this.raw.click(selector)
  }

  /** Taps the element matching `selector` with a finger (pages opened with `phone: true`). */
  async tap(selector) {
    await this.waitForSelector(selector)
    await this.raw.tap(selector)
  }

  /** Clicks the element matching `selector` whose trimmed text is exactly `text`. */
  async clickText(selector, text) {
    await this.waitFor(
      ([s, t]) => Array.from(document.querySelectorAll(s)).some((el) => el.textContent.trim() === t),
      [selector, text],
    )
    const handle = await this.raw.evaluateHandle(
      ([s, t]) => Array.from(document.querySelectorAll(s)).find((el) => el.textContent.trim() === t),
      [selector, text],
    )
    await handle.asElement().click()
    await handle.dispose()
  }

  /** Signs in through the login page (mode: 'personal' | 'enterprise') and waits to leave it. */
  async login(server, mode, username, password) {
    await this.goto(`${server.url}/login`)
    await this.waitForText('个人用户登录')
    if (mode === 'enterprise') await this.clickText('.el-tabs__item', '企业用户登录')
    await this.type('input[name="username"]', username)
    await this.type('input[name="password"]', password)
    await this.click('[data-test="login-submit"]')
    await this.waitFor(() => location.pathname !== '/login')
  }

  /** The path the SPA shows now. */
  path() {
    return this.evaluate(() => location.pathname)
  }

  /** Saves e2e/artifacts/<browser>-<name>.png and returns its path. */
  async screenshot(name) {
    mkdirSync(ARTIFACTS, { recursive: true })
    const path = join(ARTIFACTS, `${this.browser}-${name}.png`)
    await this.a11yScan(`screenshot ${name}`)
    await this.raw.screenshot({ path, fullPage: true })
    return path
  }

  /** Content-Security-Policy violations the page reported so far (the app must cause none). */
  cspViolations() {
    return this.evaluate(() => window.__cspViolations ?? []).catch(() => [])
  }

  /** Closes the page; fails the test if the page broke the server's Content-Security-Policy. */
  async close() {
    // The last state the test left the page in is scanned too.
    await this.a11yScan('close').catch(() => [])
    const violations = await this.cspViolations()
    await this._close()
    if (violations.length) throw new Error(`Content-Security-Policy violations:\n${violations.join('\n')}`)
    const unreported = [...(this._a11y?.found.values() ?? [])].filter((f) => !f.reported)
    if (unreported.length) this._a11yFail(unreported)
  }
}

// Installed before any page script: records what the server's CSP blocked, so that a policy too strict
// for the app (or an app that needs an unsafe source) fails the test that showed it.
const WATCH_CSP = `
  window.__cspViolations = []
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || '') + ':' + e.lineNumber)
  })
`

// ---------------------------------------------------------------------------------------------
// Accessibility: axe-core in the page

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

// Parts of pages the scan leaves out: third-party markup the product does not write. Each entry says why.
// (Empty: every page the tests visit is the product's own.)
export const A11Y_EXCLUDE = []

// Waits (up to 3 s) until no finite animation or transition runs (a dialog zooming in, a message fading), so
// that contrast is measured on what the user ends up seeing; then runs axe. Returns the violations as
// { id, impact, help, targets[] }.
async function scanA11y(page) {
  await page.raw
    .waitForFunction(
      () =>
        document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity),
      ...(page.isPlaywright ? [undefined, { timeout: 3000, polling: 100 }] : [{ timeout: 3000, polling: 100 }]),
    )
    .catch(() => {})
  // Evaluated as source text through the driver (DevTools protocol / WebDriver BiDi), not a <script> tag,
  // which the server's Content-Security-Policy would block.
  const loaded = await page.evaluate(() => typeof window.axe === 'object').catch(() => false)
  if (!loaded) await page.raw.evaluate(`${AXE_SOURCE}\n;true`)
  return page.evaluate(
    async ([tags, exclude]) => {
      const res = await window.axe.run(
        { include: [document], exclude: exclude.map((e) => [e.selector]) },
        { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'], iframes: false },
      )
      return res.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        // The selector, the contrast found (colour-contrast), and the start of the element's markup.
        targets: v.nodes.map(
          (n) =>
            n.target.join(' ') +
            (n.any[0]?.data?.contrastRatio ? ` (${n.any[0].data.contrastRatio}:1, ${n.any[0].data.fgColor} on ${n.any[0].data.bgColor})` : '') +
            `  ${n.html.replace(/\s+/g, ' ').slice(0, 100)}`,
        ),
      }))
    },
    [A11Y_TAGS, A11Y_EXCLUDE],
  )
}

function logA11y(browser, path, label, violations) {
  try {
    mkdirSync(ARTIFACTS, { recursive: true })
    const rules = Object.fromEntries(violations.map((v) => [v.id, v.targets.length]))
    const count = violations.reduce((n, v) => n + v.targets.length, 0)
    appendFileSync(join(ARTIFACTS, 'a11y.jsonl'), JSON.stringify({ browser, path, label, count, rules, violations }) + '\n')
  } catch {
    // The log is a convenience.
  }
}

// One block per rule: id, impact, count and help, then each element's selector with the path it was seen on.
function summarizeA11y(found) {
  if (!found.length) return ''
  const byRule = new Map()
  for (const f of found) {
    if (!byRule.has(f.id)) byRule.set(f.id, [])
    byRule.get(f.id).push(f)
  }
  const lines = []
  for (const [id, list] of byRule) {
    lines.push(`  ${id} (${list[0].impact}) × ${list.length}: ${list[0].help}`)
    for (const f of list.slice(0, 15)) lines.push(`    ${f.path}  ${f.target}`)
    if (list.length > 15) lines.push(`    … and ${list.length - 15} more`)
  }
  return lines.join('\n')
}
