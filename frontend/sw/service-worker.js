// The service worker of the installed app (issue 15). scripts/pwa.mjs writes dist/sw.js at build time: a
// header with PRECACHE (every file of the app shell, hashed assets with a null revision, the rest with a hash
// of their content) and VERSION (a hash of that list), then this file. A new build therefore changes sw.js,
// the browser installs the new worker beside the running one, and the page offers 新版本可用; the new worker
// takes over only when the user agrees (the page posts SKIP_WAITING), so a page never mixes two builds.
//
// Rules:
// - The API (/api/…), the health probes and anything not GET are never answered from a cache: the worker does
//   not even look at them (no respondWith), so the browser sends them to the network as if it were not there.
// - Page navigations get the cached app shell (index.html of this build): the app starts without waiting
//   for the network. The shell is always the one of the worker's build, whose assets are all cached with it.
// - Hashed assets (/assets/…) are answered from the cache; one not precached (the chart library, loaded only
//   by the statistics pages) is fetched once and kept.
/* global PRECACHE, VERSION */
/* eslint-disable no-restricted-globals */
'use strict'

const PREFIX = 'yqyb-'
const SHELL_CACHE = PREFIX + 'shell-' + VERSION
const RUNTIME_CACHE = PREFIX + 'assets'
const SHELL = '/index.html'

const precached = new Set(PRECACHE.map((e) => e.url))

function networkOnly(path) {
  return path === '/api' || path.startsWith('/api/') || path === '/healthz' || path === '/readyz' || path === '/metrics' || path === '/sw.js'
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) =>
      Promise.all(
        PRECACHE.map((entry) => {
          // Hashed files may come from the browser's HTTP cache (they never change); the rest is asked of the
          // server again, so that the cached shell is this build's.
          const request = new Request(entry.url, { cache: entry.revision ? 'no-cache' : 'default', credentials: 'same-origin' })
          return fetch(request).then((response) => {
            if (!response.ok) throw new Error('precache ' + entry.url + ': HTTP ' + response.status)
            return cache.put(entry.url, response)
          })
        }),
      ),
    ),
  )
  // The first worker of a browser has nobody to ask: it takes over at once (see activate). A later one waits.
})

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting()
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX + 'shell-') && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => pruneRuntime())
      .then(() => self.clients.claim()),
  )
})

// Hashed assets of older builds are no longer referenced by any shell: drop those not in this build.
function pruneRuntime() {
  return caches.open(RUNTIME_CACHE).then((cache) =>
    cache.keys().then((requests) => {
      const keep = new Set(PRECACHE.filter((e) => e.url.startsWith('/assets/')).map((e) => e.url))
      return Promise.all(
        requests.filter((r) => !keep.has(new URL(r.url).pathname) && !OPTIONAL.has(new URL(r.url).pathname)).map((r) => cache.delete(r)),
      )
    }),
  )
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin || networkOnly(url.pathname)) return
  if (request.mode === 'navigate') {
    event.respondWith(shell(request))
    return
  }
  if (precached.has(url.pathname)) {
    event.respondWith(fromShellCache(url.pathname, request))
    return
  }
  if (url.pathname.startsWith('/assets/')) event.respondWith(runtimeAsset(request, url.pathname))
})

function shell(request) {
  return caches
    .open(SHELL_CACHE)
    .then((cache) => cache.match(SHELL))
    .then((cached) => cached || fetch(request))
}

function fromShellCache(path, request) {
  return caches
    .open(SHELL_CACHE)
    .then((cache) => cache.match(path))
    .then((cached) => cached || fetch(request))
}

function runtimeAsset(request, path) {
  return caches.open(RUNTIME_CACHE).then((cache) =>
    cache.match(path).then((cached) => {
      if (cached) return cached
      return fetch(request).then((response) => {
        if (response.ok && OPTIONAL.has(path)) cache.put(path, response.clone())
        return response
      })
    }),
  )
}
