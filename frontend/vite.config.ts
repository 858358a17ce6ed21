/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { pwaBuild } from './scripts/pwa.mjs'

// Where `npm run dev` forwards API calls; the Go server's default listen address.
const backend = process.env.YQYB_DEV_BACKEND || 'http://127.0.0.1:8080'

// The SPA must run in Firefox ESR, Chrome and 360 Browser's speed mode, whose Chromium is often
// years old (about Chrome 86). Syntax newer than these is lowered at build time; tsconfig's ES2020
// lib keeps newer runtime APIs out of our own code.
const browserTargets = ['chrome86', 'firefox78', 'edge88', 'safari14']

/**
 * Element Plus's CSS (the element-plus-styles group below, a CSS-only chunk) is linked from index.html ahead of
 * our own global styles: src/styles override Element Plus at equal specificity by coming later. The bundler
 * lists the entry's CSS in module order, which put ours first.
 */
function elementPlusStylesFirst(): Plugin {
  return {
    name: 'yqyb-element-plus-styles-first',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const ep = html.match(/[ \t]*<link rel="stylesheet"[^>]*element-plus-styles-[^>]*>\n?/)
        if (!ep) return html
        const rest = html.replace(ep[0], '')
        const first = rest.search(/[ \t]*<link rel="stylesheet"/)
        return first < 0 ? html : rest.slice(0, first) + ep[0] + rest.slice(first)
      },
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus components and their CSS are imported only where a template uses them.
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: 'src/components.d.ts',
      dirs: [],
    }),
    elementPlusStylesFirst(),
    // The installable app: precompressed assets (.br, .gz) and the service worker dist/sw.js.
    pwaBuild(),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    // vue-i18n: composition API only, no devtools in production; lets the bundler drop the rest.
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/healthz': { target: backend, changeOrigin: true },
      '/readyz': { target: backend, changeOrigin: true },
    },
  },
  build: {
    target: browserTargets,
    cssTarget: browserTargets,
    outDir: 'dist',
    emptyOutDir: true,
    // dist/.vite/manifest.json: which chunks and CSS each page loads (scripts/budget.mjs measures the login route).
    manifest: true,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Helpers the compiler adds when it lowers newer syntax (e.g. class fields, as in ApiError) are
            // virtual modules shared by our code and the libraries. A group captures its modules' imports too,
            // so without a group of their own they went with ECharts and put it in the entry chunk.
            { name: 'helpers', test: /^\0@oxc-project\+runtime@/, priority: 40 },
            // The install panel's QR code loads only when it is shown (issue 15); left in vendor it weighed on the login page.
            { name: 'qrcode', test: /node_modules[\\/](qrcode|dijkstrajs)[\\/]/, priority: 35 },
            // Every Element Plus component's CSS in one file that the entry loads, ahead of our own styles: the
            // overrides in src/styles win by coming later at equal specificity, which per-page CSS would undo.
            { name: 'element-plus-styles', test: /node_modules[\\/](element-plus[\\/](es|lib)[\\/]components[\\/][^\\/]+[\\/]style[\\/]|element-plus[\\/]theme-chalk[\\/])/, priority: 45 },
            // Element Plus's shared internals (hooks, utils, tokens, lodash, popper): every page with a widget needs
            // them, so they travel in one chunk; each component (and its CSS) goes with the pages that use it.
            { name: 'element-plus-base', test: /node_modules[\\/](element-plus[\\/]es[\\/](utils|hooks|constants|tokens|directives)|lodash-es|lodash-unified|@floating-ui|@popperjs|@ctrl|memoize-one|normalize-wheel-es)[\\/]/, priority: 20 },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 30 },

            // Only the statistics pages load ECharts.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/, priority: 25 },
            { name: 'vendor', test: /node_modules[\\/](?!(element-plus|@element-plus|@floating-ui|@popperjs|@ctrl|async-validator|dayjs|lodash-es|lodash-unified|memoize-one|normalize-wheel-es)[\\/])/, priority: 10 },
          ],
        },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.spec.ts'],
    setupFiles: ['tests/unit/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
    // Element Plus's per-component style entries import .css files, which Node cannot load itself.
    server: { deps: { inline: ['element-plus'] } },
  },
})
