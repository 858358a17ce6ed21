// Draws the app's PNG icons (web app manifest, iOS home screen) from the product mark in
// src/components/AppLogo.vue: the white shield with the blue check on the header's blue. Run once after the
// mark changes and commit the output (public/icons/*.png); the build copies public/ as it is.
//
//   node scripts/icons.mjs        (needs Chromium at /usr/bin/chromium or YQYB_CHROMIUM)
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'public', 'icons')

// The two paths of the mark, read from AppLogo.vue so that the icons cannot drift from it.
const logo = readFileSync(join(root, 'src', 'components', 'AppLogo.vue'), 'utf8')
const paths = [...logo.matchAll(/<path fill="(#[0-9a-fA-F]{3,6})" d="([^"]+)"/g)].map((m) => ({ fill: m[1], d: m[2] }))
if (paths.length !== 2) throw new Error(`expected the two paths of the mark in AppLogo.vue, found ${paths.length}`)

const BLUE = '#0d4a94'
const BLUE_LIGHT = '#1667c2'

/**
 * An icon `size` px square. `maskable`: full-bleed background, the mark inside the central 60 % (the safe zone of
 * a maskable icon is the central 80 % circle); otherwise a rounded square on transparent ground.
 */
function svg(size, maskable) {
  const radius = maskable ? 0 : size * 0.2
  const mark = size * (maskable ? 0.56 : 0.66)
  const offset = (size - mark) / 2
  const scale = mark / 64
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${BLUE}"/><stop offset="1" stop-color="${BLUE_LIGHT}"/></linearGradient></defs>
  <rect width="${size}" height="${size}" rx="${radius}" fill="url(#g)"/>
  <g transform="translate(${offset} ${offset}) scale(${scale})">${paths.map((p) => `<path fill="${p.fill}" d="${p.d}"/>`).join('')}</g>
</svg>`
}

const icons = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  // iOS draws its own rounded corners and ignores transparency: a full-bleed square.
  { file: 'apple-touch-icon-180.png', size: 180, maskable: true },
]

mkdirSync(out, { recursive: true })
const browser = await chromium.launch({ executablePath: process.env.YQYB_CHROMIUM || '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] })
try {
  for (const icon of icons) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 })
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg(icon.size, icon.maskable)}</body></html>`)
    await page.locator('svg').screenshot({ path: join(out, icon.file), omitBackground: true })
    await page.close()
    console.log(`public/icons/${icon.file}`)
  }
} finally {
  await browser.close()
}
