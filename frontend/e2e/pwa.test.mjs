// The installable app (issue 15) on a phone (390×844, touch): the web app manifest and its icons, the service
// worker that caches the app shell but never the API, the 新版本可用 prompt after a new build, and the load
// budget on a slow phone profile (Chromium only: CDP network emulation and CPU throttling).
//
// The server serves the SPA from a copy of the build (YQYB_WEBUI_DIR), so that the test can put a new build
// in its place while a page is open.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { binarySkip, browserMatrix, DEMO, DEMO_PASSWORD, launchBrowser, startServer } from './lib/harness.mjs'
import { writeServiceWorker } from '../scripts/pwa.mjs'

const noBinary = binarySkip()
const matrix = browserMatrix()
const PHONE = { width: 390, height: 844, phone: true }
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', process.env.YQYB_E2E_DIST || 'dist')
const noBuild = existsSync(join(dist, 'sw.js')) ? false : `no build with a service worker at ${dist} (run \`npm run build\`)`

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(buf) {
  assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG', 'not a PNG')
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) }
}

/** Resolves once a service worker controls the page and has cached the app shell. */
async function controlled(page) {
  await page.waitFor(async () => {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return false
    const keys = await caches.keys()
    return keys.some((k) => k.startsWith('yqyb-shell-'))
  }, undefined, 60_000)
}

/** Every URL in every cache of the page's origin. */
const cachedUrls = (page) =>
  page.evaluate(async () => {
    const out = []
    for (const k of await caches.keys()) {
      for (const r of await (await caches.open(k)).keys()) out.push(new URL(r.url).pathname)
    }
    return out
  })

for (const { name, skip } of matrix) {
  describe(`installable app (${name})`, { skip: noBinary || skip || noBuild, concurrency: false }, () => {
    let browser
    let server
    let webui

    before(async () => {
      webui = mkdtempSync(join(tmpdir(), 'yqyb-pwa-e2e-'))
      cpSync(dist, webui, { recursive: true, filter: (src) => !src.includes('/.vite') })
      server = await startServer(`pwa-${name}`, { YQYB_WEBUI_DIR: webui })
      browser = await launchBrowser(name)
    })
    after(async () => {
      await browser?.close()
      await server?.stop()
      if (webui) rmSync(webui, { recursive: true, force: true })
    })

    it('serves a valid web app manifest with 192 and 512 px icons', async () => {
      const res = await fetch(`${server.url}/manifest.webmanifest`)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type'), /^application\/manifest\+json/)
      assert.equal(res.headers.get('cache-control'), 'no-cache')
      const m = await res.json()
      assert.equal(m.name, '安全生产事故隐患排查')
      assert.equal(m.short_name, '隐患排查')
      assert.equal(m.display, 'standalone')
      assert.equal(m.start_url, '/today')
      assert.match(m.theme_color, /^#[0-9a-f]{6}$/i)
      const sizes = new Set()
      for (const icon of m.icons) {
        const r = await fetch(new URL(icon.src, server.url))
        assert.equal(r.status, 200, icon.src)
        assert.equal(r.headers.get('content-type'), 'image/png', icon.src)
        const { width, height } = pngSize(Buffer.from(await r.arrayBuffer()))
        assert.equal(`${width}x${height}`, icon.sizes, `${icon.src} is ${width}×${height}, the manifest says ${icon.sizes}`)
        sizes.add(icon.sizes)
      }
      assert.ok(sizes.has('192x192') && sizes.has('512x512'), `icon sizes ${[...sizes]}`)

      const page = await browser.newPage(PHONE)
      try {
        await page.goto(`${server.url}/login`)
        await page.waitForText('个人用户登录')
        const link = await page.evaluate(() => document.querySelector('link[rel="manifest"]')?.getAttribute('href'))
        assert.equal(link, '/manifest.webmanifest')
        if (page.isPlaywright) {
          // Chromium's own reading of the manifest: no parse errors, the icons and the start page it took.
          const cdp = await page.raw.context().newCDPSession(page.raw)
          const app = await cdp.send('Page.getAppManifest')
          assert.deepEqual(app.errors, [], `manifest errors: ${JSON.stringify(app.errors)}`)
          assert.equal(app.parsed?.startUrl ?? new URL(JSON.parse(app.data).start_url, server.url).href, `${server.url}/today`)
        }
      } finally {
        await page.close()
      }
    })

    it('caches: index.html, sw.js and the manifest revalidated; hashed assets immutable and precompressed', async () => {
      for (const p of ['/', '/login', '/sw.js', '/manifest.webmanifest']) {
        const r = await fetch(server.url + p)
        assert.equal(r.headers.get('cache-control'), 'no-cache', p)
      }
      const html = await (await fetch(`${server.url}/login`)).text()
      const entry = html.match(/src="(\/assets\/index-[^"]+\.js)"/)[1]
      for (const [accept, coding] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip']]) {
        // Node's fetch decodes the body itself; ask through the raw headers.
        const r = await fetch(server.url + entry, { headers: { 'Accept-Encoding': accept } })
        assert.equal(r.headers.get('content-encoding'), coding, `${entry} with Accept-Encoding ${accept}`)
        assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable')
        await r.arrayBuffer()
      }
    })

    it('registers a service worker that controls the page and never answers the API from a cache', async (t) => {
      const page = await browser.newPage(PHONE)
      try {
        await page.goto(`${server.url}/login`)
        await page.waitForText('个人用户登录')
        if (!(await page.evaluate(() => 'serviceWorker' in navigator))) {
          t.skip(`${name} exposes no navigator.serviceWorker in this automation session`)
          return
        }
        await controlled(page)
        const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope)
        assert.equal(scope, `${server.url}/`)

        const fromWorker = []
        if (page.isPlaywright) {
          page.raw.on('response', (r) => {
            if (new URL(r.url()).pathname.startsWith('/api/')) fromWorker.push([r.url(), r.fromServiceWorker()])
          })
        }
        // A reload is answered by the worker (the cached shell), and the sign-in's API calls by the server.
        await page.login(server, DEMO.electrician.mode, DEMO.electrician.username, DEMO_PASSWORD)
        await page.goto(`${server.url}/today`)
        await page.waitForText('隐患排查')
        assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true, 'the reloaded page is not controlled')
        // The same API call twice: two answers from the server (its clock moves on), never a stored one.
        const times = []
        for (let i = 0; i < 2; i++) {
          times.push(await page.evaluate(async () => (await (await fetch('/api/v1/meta')).json()).server_time))
          await new Promise((r) => setTimeout(r, 1100))
        }
        assert.notEqual(times[0], times[1], 'GET /api/v1/meta answered twice with the same server time: cached?')
        const urls = await cachedUrls(page)
        assert.ok(urls.includes('/index.html') && urls.some((u) => u.startsWith('/assets/')), `the shell is not cached: ${urls.slice(0, 5)}`)
        assert.deepEqual(urls.filter((u) => u.startsWith('/api')), [], 'API answers in a cache')
        if (page.isPlaywright) {
          assert.ok(fromWorker.length > 0, 'no API request seen')
          assert.deepEqual(fromWorker.filter(([, sw]) => sw), [], 'API requests answered by the service worker')
        }
        await page.screenshot('pwa-phone-today')
      } finally {
        await page.close()
      }
    })

    it('offers 新版本可用 after a new build and reloads into it on consent', async (t) => {
      const page = await browser.newPage(PHONE)
      try {
        await page.goto(`${server.url}/login`)
        await page.waitForText('个人用户登录')
        if (!(await page.evaluate(() => 'serviceWorker' in navigator))) {
          t.skip(`${name} exposes no navigator.serviceWorker in this automation session`)
          return
        }
        await controlled(page)
        const before = await page.evaluate(() => document.querySelector('meta[name="yqyb-build"]')?.content ?? null)
        assert.equal(before, null)

        // A new deployment: the shell changes (a marker in index.html), and the build step writes a new sw.js.
        const index = join(webui, 'index.html')
        writeFileSync(index, readFileSync(index, 'utf8').replace('<head>', '<head>\n    <meta name="yqyb-build" content="e2e-next" />'))
        const { version } = writeServiceWorker(webui)
        assert.ok(readFileSync(join(webui, 'sw.js'), 'utf8').includes(version))

        // The app asks for a new sw.js whenever it comes back into view and every 30 minutes; a test asks now.
        await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update())
        await page.waitForText('新版本可用', 60_000)
        await page.screenshot('pwa-phone-update-prompt')
        // Still the old build until the user agrees.
        assert.equal(await page.evaluate(() => document.querySelector('meta[name="yqyb-build"]')), null)
        await page.click('[data-test="pwa-reload"]')
        await page.waitFor(() => document.querySelector('meta[name="yqyb-build"]')?.content === 'e2e-next', undefined, 30_000)
        await page.waitForText('个人用户登录')
        const keys = await page.evaluate(() => caches.keys())
        assert.equal(keys.filter((k) => k.startsWith('yqyb-shell-')).length, 1, `old shell caches left: ${keys}`)
      } finally {
        await page.close()
      }
    })

    it('shows the install QR code and instructions on the login page', async () => {
      const page = await browser.newPage(PHONE)
      try {
        await page.goto(`${server.url}/login`)
        await page.waitForText('手机扫码安装')
        // Folded on the phone: the form stays on top and tidy.
        assert.equal(await page.evaluate(() => document.querySelector('[data-test="install-qr"]')), null)
        assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)) <= 0, 'login page wider than the screen')
        await page.screenshot('pwa-phone-login')
        await page.tap('[data-test="install-toggle"]')
        await page.waitForSelector('[data-test="install-qr"]')
        await page.waitForText('添加到主屏幕')
        const qr = await page.evaluate(() => {
          const c = document.querySelector('[data-test="install-qr"]')
          // Drawn: the canvas has dark modules (not blank).
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
          let dark = 0
          for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark++
          return { url: c.dataset.url, width: c.width, dark }
        })
        assert.equal(qr.url, `${server.url}/today`)
        assert.ok(qr.width >= 100 && qr.dark > 1000, `QR code not drawn: ${JSON.stringify(qr)}`)
        assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)) <= 0, 'install panel wider than the screen')
        await page.screenshot('pwa-phone-login-install')
      } finally {
        await page.close()
      }
    })

    it('shows the QR code in the manual chapter 安装到手机', async () => {
      const page = await browser.newPage(PHONE)
      try {
        await page.goto(`${server.url}/help/getting-started`)
        await page.waitForText('安装到手机')
        await page.waitForSelector('.help__content [data-test="install-qr"]')
        const url = await page.evaluate(() => document.querySelector('.help__content [data-test="install-qr"]').dataset.url)
        assert.equal(url, `${server.url}/today`)
        await page.screenshot('pwa-phone-manual')
      } finally {
        await page.close()
      }
    })

    it('login form usable < 3 s first visit, < 1 s repeat, at 1.6 Mbit/s, 150 ms RTT, 4× CPU', async (t) => {
      if (name !== 'chromium') {
        t.skip('network emulation and CPU throttling are Chrome DevTools Protocol commands; Firefox ESR over WebDriver BiDi has neither')
        return
      }
      const page = await browser.newPage(PHONE)
      try {
        const raw = page.raw
        // Records when the username input is first visible and enabled, measured from the navigation's start.
        await raw.context().addInitScript(() => {
          const check = () => {
            const i = document.querySelector('input[name="username"]')
            if (i && !i.disabled && i.getClientRects().length > 0 && getComputedStyle(i).visibility !== 'hidden') {
              window.__usableAt = performance.now()
              return
            }
            requestAnimationFrame(check)
          }
          requestAnimationFrame(check)
        })
        const cdp = await raw.context().newCDPSession(raw)
        await cdp.send('Network.enable')
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false,
          latency: 150,
          downloadThroughput: (1.6 * 1000 * 1000) / 8,
          uploadThroughput: (750 * 1000) / 8,
        })
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
        // The time the form became usable, and whether the service worker answered the navigation.
        const visit = async () => {
          await raw.goto(`${server.url}/login`, { waitUntil: 'commit', timeout: 60_000 })
          await raw.waitForFunction(() => window.__usableAt !== undefined, undefined, { timeout: 60_000 })
          return raw.evaluate(() => ({
            usable: Math.round(window.__usableAt),
            fromWorker: performance.getEntriesByType('navigation')[0].workerStart > 0,
          }))
        }
        const { usable: first } = await visit()
        // Let the service worker install (it downloads the shell at the same slow speed) before the repeat.
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })
        await controlled(page)
        // A repeat visit comes back later. Right after its activation Chromium does not yet route new
        // navigations to the worker (about 1–3 s here, until the registration is stored): the page then comes
        // from the HTTP cache after a revalidation over the slow network, which is not the visit the budget is
        // about. So wait, and judge the first repeat visit the worker answers.
        await new Promise((r) => setTimeout(r, 5000))
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
        let repeat
        for (let attempt = 1; ; attempt++) {
          const v = await visit()
          if (v.fromWorker) {
            repeat = v.usable
            break
          }
          assert.ok(attempt < 5, `the service worker answered none of ${attempt} repeat visits (last: usable after ${v.usable} ms)`)
          console.log(`repeat visit ${attempt} not answered by the service worker (usable after ${v.usable} ms); waiting`)
          await new Promise((r) => setTimeout(r, 3000))
        }
        const load = loadavg()[0] / cpus().length
        console.log(
          `login form usable: first visit ${first} ms, repeat visit ${repeat} ms (1.6 Mbit/s, 150 ms RTT, 4× CPU; ` +
            `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`,
        )
        // A timing on a machine whose CPUs are oversubscribed measures the machine: there (load average above
        // 2 per CPU) the figures are printed and the budget is not judged, unless the run must not skip (CI).
        const required = ['1', 'true'].includes(process.env.YQYB_REQUIRE_BROWSERS)
        if (load > 2 && !required && (first >= 3000 || repeat >= 1000)) {
          t.skip(`machine overloaded (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs): first ${first} ms, repeat ${repeat} ms not judged`)
          return
        }
        assert.ok(first < 3000, `first visit: the login form was usable after ${first} ms (budget 3000)`)
        assert.ok(repeat < 1000, `repeat visit: the login form was usable after ${repeat} ms (budget 1000)`)
      } finally {
        await page.close()
      }
    })
  })
}
