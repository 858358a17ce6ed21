// Helpers of the standards, checklists, inspections and hazards journeys (e2e/standard.test.mjs,
// e2e/inspection.test.mjs): Element Plus widgets driven as a user drives them, in both browsers; files
// handed to <input type=file>; a minimal .xlsx writer for import files; and API shortcuts.
import assert from 'node:assert/strict'
import { deflateRawSync, crc32, inflateRawSync } from 'node:zlib'
import { apiCall, apiLogin, DEMO, DEMO_PASSWORD } from './harness.mjs'

export const ADMIN = DEMO.enterpriseAdmin.username
export const FORKLIFT = '朝阳商场-叉车司机'
export const ELECTRICIAN = '朝阳商场-电工'
export const KEEPER = '朝阳商场-库管员'
export const REGULATOR = DEMO.districtRegulator.username
export const PLATFORM = DEMO.platformAdmin.username

const visibleSrc = `(el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'`

/** Waits until the first visible element matching `selector` stops moving (dialogs zoom, menus slide). */
export async function settle(page, selector) {
  await page.waitForSelector(selector)
  let last = ''
  for (let i = 0; i < 50; i++) {
    const rect = await page.evaluate((s) => {
      const el = Array.from(document.querySelectorAll(s)).find((e) => e.getClientRects().length > 0)
      if (!el) return ''
      const r = el.getBoundingClientRect()
      return [r.x, r.y, r.width, r.height].map((n) => Math.round(n)).join(',')
    }, selector)
    if (rect && rect === last) return
    last = rect
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Clicks the first visible element matching `selector` whose text is `text` (or contains it), once still. */
export async function clickVisible(page, selector, text, { contains = false, timeout = 15_000 } = {}) {
  const arg = [selector, text ?? null, contains, visibleSrc]
  const pick = (a) => {
    const [s, t, c, vis] = a
    const isVisible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' // no eval: the CSP forbids it
    return Array.from(document.querySelectorAll(s)).find((el) => {
      const txt = el.textContent.trim()
      return isVisible(el) && (t == null || (c ? txt.includes(t) : txt === t))
    })
  }
  try {
    await page.waitFor((a) => {
      const [s, t, c, vis] = a
      const isVisible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' // no eval: the CSP forbids it
      return Array.from(document.querySelectorAll(s)).some((el) => {
        const txt = el.textContent.trim()
        return isVisible(el) && (t == null || (c ? txt.includes(t) : txt === t))
      })
    }, arg, timeout)
  } catch (e) {
    throw new Error(`no visible ${selector}${text ? ` with text ${JSON.stringify(text)}` : ''}`, { cause: e })
  }
  const handle = await page.raw.evaluateHandle(pick, arg)
  let last = ''
  for (let i = 0; i < 40; i++) {
    const rect = await handle.evaluate((el) => {
      el.scrollIntoView({ block: 'center', inline: 'nearest' })
      const r = el.getBoundingClientRect()
      return [r.x, r.y, r.width, r.height].map((n) => Math.round(n)).join(',')
    })
    if (rect === last) break
    last = rect
    await new Promise((r) => setTimeout(r, 100))
  }
  await handle.asElement().click()
  await handle.dispose()
}

/** Clicks `selector` once it is visible and still (scrolled into view first). */
export async function clickStill(page, selector) {
  await page.waitForSelector(selector)
  await page.evaluate((s) => document.querySelector(s)?.scrollIntoView({ block: 'center' }), selector)
  await settle(page, selector)
  await page.click(selector)
}

/** Waits until no element matching `selector` is visible. */
export async function waitHidden(page, selector, timeout = 15_000) {
  await page.waitFor(
    ([s, vis]) => {
      const isVisible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' // no eval: the CSP forbids it
      return !Array.from(document.querySelectorAll(s)).some(isVisible)
    },
    [selector, visibleSrc],
    timeout,
  )
}

/** The visible rows of the el-table found by `table` (a data-test value), as their cells' texts. */
export function tableRows(page, table) {
  return page.evaluate(
    (t) =>
      Array.from(document.querySelectorAll(`[data-test="${t}"] .el-table__body-wrapper tr.el-table__row`)).map((tr) =>
        Array.from(tr.querySelectorAll('td')).map((td) => td.innerText.trim()),
      ),
    table,
  )
}

/** Waits until the el-table `table` has finished loading and some row contains `text`. */
export async function waitRow(page, table, text) {
  try {
    await page.waitFor(
      ([t, x]) =>
        !document.querySelector(`[data-test="${t}"] .el-loading-mask:not([style*="display: none"])`) &&
        Array.from(document.querySelectorAll(`[data-test="${t}"] .el-table__body-wrapper tr.el-table__row`)).some((tr) => tr.innerText.includes(x)),
      [table, text],
    )
  } catch (e) {
    throw new Error(`table ${table} never showed a row with ${JSON.stringify(text)}: ${JSON.stringify(await tableRows(page, table))}`, { cause: e })
  }
}

/** Waits until the el-table `table` has finished loading and shows no row at all. */
export async function waitEmpty(page, table) {
  await page.waitFor(
    (t) =>
      !document.querySelector(`[data-test="${t}"] .el-loading-mask:not([style*="display: none"])`) &&
      document.querySelectorAll(`[data-test="${t}"] .el-table__body-wrapper tr.el-table__row`).length === 0 &&
      !!document.querySelector(`[data-test="${t}"] .el-table__empty-block`),
    table,
  )
}

/** Confirms the open ElMessageBox (the primary button). */
export async function confirmBox(page) {
  await settle(page, '.el-message-box')
  await clickVisible(page, '.el-message-box__btns .el-button--primary')
  await waitHidden(page, '.el-message-box')
}

/**
 * Opens the el-select found by `selector` (its root or any element inside it) and picks the visible option
 * whose text contains `text`.
 */
export async function chooseOption(page, selector, text) {
  await page.waitForSelector(selector)
  const target = await page.evaluate((s) => {
    const el = document.querySelector(s)
    const root = el.classList.contains('el-select') ? el : el.closest('.el-select') || el.querySelector('.el-select')
    const wrapper = (root || el).querySelector('.el-select__wrapper') || root || el
    wrapper.setAttribute('data-e2e-open', '1')
    wrapper.scrollIntoView({ block: 'center' })
    return true
  }, selector)
  if (!target) throw new Error(`no select at ${selector}`)
  await settle(page, '[data-e2e-open="1"]')
  await page.click('[data-e2e-open="1"]')
  await page.evaluate(() => document.querySelector('[data-e2e-open="1"]')?.removeAttribute('data-e2e-open'))
  await clickVisible(page, '.el-select-dropdown__item', text, { contains: true })
  await waitHidden(page, '.el-select-dropdown__item')
}

/** Types into an input or textarea (the Page API's type, after scrolling it into view). */
export async function fill(page, selector, value) {
  await page.waitForSelector(selector)
  await page.evaluate((s) => document.querySelector(s)?.scrollIntoView({ block: 'center' }), selector)
  await page.type(selector, value)
}

/** Hands files to an <input type=file> the way a file picker does (both browsers, no driver support needed). */
export async function setFiles(page, selector, files) {
  await page.waitFor((s) => !!document.querySelector(s), selector)
  const payload = files.map((f) => ({ name: f.name, type: f.type, b64: Buffer.from(f.data).toString('base64') }))
  await page.evaluate(
    ([s, list]) => {
      const input = document.querySelector(s)
      const dt = new DataTransfer()
      for (const f of list) {
        const bin = atob(f.b64)
        const bytes = new Uint8Array(bin.length)
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
        dt.items.add(new File([bytes], f.name, { type: f.type }))
      }
      input.files = dt.files
      input.dispatchEvent(new Event('change', { bubbles: true }))
    },
    [selector, payload],
  )
}

/** A 2×2 PNG (a photo for uploads). */
export function tinyPng() {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
    'base64',
  )
}

// ---------------------------------------------------------------------------------------------
// A minimal .xlsx (one sheet of inline strings, deflated zip) for import files.

function zip(entries) {
  const locals = []
  const centrals = []
  let offset = 0
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8')
    const raw = Buffer.from(data, 'utf8')
    const packed = deflateRawSync(raw)
    const crc = crc32(raw)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(8, 8) // deflate
    local.writeUInt32LE(0, 10)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(raw.length, 22)
    local.writeUInt16LE(nameBuf.length, 26)
    local.writeUInt16LE(0, 28)
    locals.push(local, nameBuf, packed)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(0, 12)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(raw.length, 24)
    central.writeUInt16LE(nameBuf.length, 28)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, nameBuf)
    offset += local.length + nameBuf.length + packed.length
  }
  const centralBuf = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralBuf.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, centralBuf, end])
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function column(i) {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

/** An .xlsx whose first sheet holds `rows` (arrays of strings; the first is the header). */
export function xlsx(rows) {
  const sheetRows = rows
    .map(
      (r, ri) =>
        `<row r="${ri + 1}">${r
          .map((v, ci) => (v === '' || v == null ? '' : `<c r="${column(ci)}${ri + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`))
          .join('')}</row>`,
    )
    .join('')
  return zip([
    {
      name: '[Content_Types].xml',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    },
    {
      name: 'xl/workbook.xml',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="岗位清单" sheetId="1" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
        `<sheetData>${sheetRows}</sheetData></worksheet>`,
    },
  ])
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

// ---------------------------------------------------------------------------------------------
// API shortcuts

/** Signs in a demo account through the API. */
export function token(server, username) {
  return apiLogin(server, 'personal', username, DEMO_PASSWORD)
}

/** An API call that must succeed; returns the body. */
export async function must(server, method, path, body, tok) {
  const res = await apiCall(server, method, path, body, tok)
  if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text}`)
  return res.body
}

/** Moves the development server's clock (PUT /api/v1/dev/clock). */
export function setClock(server, when) {
  return must(server, 'PUT', '/api/v1/dev/clock', { now: new Date(when).toISOString() })
}

/** Signs in through the login page and waits to land inside the app. */
export async function loginAs(page, server, username) {
  await page.login(server, 'personal', username, DEMO_PASSWORD)
  await page.waitForSelector('.side-menu')
}

/** Text of the page body. */
export function bodyText(page) {
  return page.evaluate(() => document.body.innerText)
}

/** Opens a page through the side menu, as a user does: the group first (unless open), then the entry. */
export async function openMenu(page, group, code) {
  const sel = `.side-menu [data-menu-code="${code}"]`
  await page.waitFor(() => !!document.querySelector('.side-menu'))
  // A group that is closing still shows its entries for a moment: ask el-menu's state, not the pixels.
  const open = await page.evaluate((s) => !!document.querySelector(s)?.closest('.el-sub-menu')?.classList.contains('is-opened'), sel)
  if (!open) {
    await clickVisible(page, '.side-menu .el-sub-menu__title', group)
    await page.waitFor((s) => document.querySelector(s)?.closest('.el-sub-menu')?.classList.contains('is-opened'), sel)
  }
  await clickStill(page, sel)
}

/**
 * Catches the files the SPA hands to the browser as downloads (a Blob behind <a download>): the click is
 * recorded with the file's name and bytes instead of saving to disk, the same in both browsers.
 */
export async function catchDownloads(page) {
  await page.evaluate(() => {
    if (window.__e2eDownloads) return
    window.__e2eDownloads = []
    const click = HTMLAnchorElement.prototype.click
    HTMLAnchorElement.prototype.click = function () {
      if (this.hasAttribute('download') && this.href.startsWith('blob:')) {
        const name = this.getAttribute('download')
        const entry = { name, b64: null }
        window.__e2eDownloads.push(entry)
        fetch(this.href)
          .then((r) => r.arrayBuffer())
          .then((buf) => {
            let s = ''
            const bytes = new Uint8Array(buf)
            for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
            entry.b64 = btoa(s)
          })
        return
      }
      return click.call(this)
    }
  })
}

/** Waits for the n-th caught download and returns { name, data }. */
export async function download(page, n) {
  await page.waitFor((i) => !!window.__e2eDownloads?.[i]?.b64, n, 20_000)
  const d = await page.evaluate((i) => window.__e2eDownloads[i], n)
  return { name: d.name, data: Buffer.from(d.b64, 'base64') }
}

/** The text content of every XML part of an .xlsx (a zip): enough to find the cells' strings. */
export function xlsxText(buf) {
  assert.equal(buf.readUInt32LE(0), 0x04034b50, 'not a zip (xlsx) file')
  let end = buf.length - 22
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--
  assert.ok(end >= 0, 'zip without a central directory')
  const count = buf.readUInt16LE(end + 10)
  let p = buf.readUInt32LE(end + 16)
  const parts = {}
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10)
    const size = buf.readUInt32LE(p + 20)
    const nameLen = buf.readUInt16LE(p + 28)
    const extraLen = buf.readUInt16LE(p + 30)
    const commentLen = buf.readUInt16LE(p + 32)
    const local = buf.readUInt32LE(p + 42)
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8')
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    const raw = buf.subarray(start, start + size)
    parts[name] = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8')
    p += 46 + nameLen + extraLen + commentLen
  }
  const xml = Object.entries(parts)
    .filter(([n]) => n.endsWith('.xml'))
    .map(([, v]) => v)
    .join('\n')
  return xml
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

