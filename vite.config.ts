import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'
import { messagePart, type MessagePart } from './client/i18n/parts.js'

const LOCALES_RE = /[\\/]client[\\/]i18n[\\/]locales[\\/][\w-]+\.json(\?part=(member|staff))?$/

/**
 * Precompiles the vue-i18n locale JSON into message ASTs at build time (one part of it when imported
 * with ?part=, see client/i18n/parts.ts), so the client ships the
 * runtime without the message compiler (about a third of vue-i18n) and bad message syntax fails
 * the build instead of a screen. The output is still JSON, so Vite's JSON handling stays as is.
 */
function precompileI18nMessages(): Plugin {
  const requireFromI18n = createRequire(createRequire(import.meta.url).resolve('vue-i18n/package.json'))
  const requireCompiler = createRequire(requireFromI18n.resolve('@intlify/core-base/package.json'))
  const { baseCompile } = requireCompiler('@intlify/message-compiler') as typeof import('@intlify/message-compiler')

  const compileTree = (node: unknown, path: string, errors: string[]): unknown => {
    if (typeof node === 'string') {
      const { ast } = baseCompile(node, {
        jit: true,
        location: false,
        minify: true,
        onError: (e) => errors.push(`${path}: ${e.message}`),
      })
      return ast
    }
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [k, compileTree(v, path ? `${path}.${k}` : k, errors)]),
      )
    }
    throw new Error(`i18n: ${path} must be a string or an object`)
  }

  return {
    name: 'loyalty:precompile-i18n',
    enforce: 'pre',
    transform(code, id) {
      const match = LOCALES_RE.exec(id)
      if (!match) return null
      const errors: string[] = []
      const messages = JSON.parse(code) as Record<string, unknown>
      // ?part=member or ?part=staff (client/i18n/parts.ts): that part of the file only.
      const part = match[2] as MessagePart | undefined
      const compiled = compileTree(part ? messagePart(messages, part) : messages, '', errors)
      if (errors.length) this.error(`i18n syntax errors in ${id}:\n${errors.join('\n')}`)
      // With a query the id no longer ends in .json: say it is JSON all the same.
      return { code: JSON.stringify(compiled), map: null, ...(part ? { moduleType: 'json' } : {}) }
    },
  }
}

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

/**
 * vue-i18n reads `Vue[key]` from `import * as Vue from 'vue'` to find the current instance. That
 * dynamic lookup makes the bundler keep every Vue export (hydration, custom elements, Transition...),
 * about 38 kB gzipped on the card route. Vue has no `currentInstance` export, so the lookup always
 * ends in Vue.getCurrentInstance(); say that directly and Vue tree-shakes again.
 */
function treeShakeableVueI18n(): Plugin {
  const dynamicLookup =
    /const key = 'currentInstance';\s*if \(key in Vue\) \{\s*return Vue\[key\];\s*\}\s*else \{\s*return Vue\.getCurrentInstance\(\);\s*\}/
  return {
    name: 'loyalty:tree-shakeable-vue-i18n',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vue-i18n[\\/]dist[\\/]vue-i18n\.runtime\.mjs$/.test(id)) return null
      if (!dynamicLookup.test(code)) {
        this.warn('vue-i18n changed: the getCurrentInstance rewrite did not apply; check the card route size')
        return null
      }
      return { code: code.replace(dynamicLookup, 'return Vue.getCurrentInstance();'), map: null }
    },
  }
}

/**
 * /api goes to the Hono server (npm run dev runs it on :3000). In dev, Vite also serves our own
 * client/api/*.ts modules under /api/..., so those (a source file extension before any query)
 * stay with Vite.
 */
const apiProxy = {
  '^/api/(?![^?]*\\.(?:ts|js|mjs|vue|json)(?:\\?|$))': { target: 'http://localhost:3000', changeOrigin: false },
}

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
  define: {
    'import.meta.env.VITE_APP_VERSION': JSON.stringify(pkg.version),
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'true',
  },
  resolve: {
    alias: [
      // Runtime-only vue-i18n: the messages arrive precompiled (see precompileI18nMessages).
      { find: /^vue-i18n$/, replacement: 'vue-i18n/dist/vue-i18n.runtime.mjs' },
    ],
  },
  plugins: [
    precompileI18nMessages(),
    treeShakeableVueI18n(),
    // Absolute URLs in templates point at public/ files: leave them as plain URLs.
    vue({ template: { transformAssetUrls: { includeAbsolute: false } } }),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        id: '/',
        name: 'Loyalty Wallet',
        short_name: 'Wallet',
        description: 'Your loyalty cards in one place: points, history and a code to show at the till, even offline.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#4338ca',
        background_color: '#f5f6fa',
        categories: ['shopping', 'lifestyle'],
        icons: [
          { src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/pwa-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/maskable-icon-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,ico,webmanifest}'],
        // The camera decoder (about 60 kB) is only for staff, who are online to award anyway:
        // customers should not download it with the app.
        globIgnores: ['**/qr-scanner*.js'],
        rollupFormat: 'iife',
      },
      devOptions: {
        enabled: false,
        type: 'module',
        navigateFallback: 'index.html',
      },
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    // dist/.vite/manifest.json: the benchmark reads it to size what the card route loads.
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // A group takes only what its test matches; shared dependencies keep their own chunks.
          includeDependenciesRecursively: false,
          groups: [
            // The merchant console (staff + merchant screens) is one lazy chunk, never on the card route,
            // nor on the staff login page, which is a first screen of its own: its view is left out, and
            // so is the language picker it shows (in the group, it brought the whole console along).
            {
              name: 'staff',
              priority: 30,
              test: /[\\/]client[\\/](views[\\/](staff[\\/](?!StaffLoginView)|(merchant|business|operator)[\\/])|layouts[\\/](StaffLayout|console-nav)|stores[\\/](merchant|till-location)|api[\\/](console|insights|reports|platform)|components[\\/](console|insights|till|locations|first-run)[\\/]|composables[\\/](use-qr-camera|use-till-session)|components[\\/]common[\\/]CopyButton)/,
            },
            // The framework, cached across releases that only touch app code.
            {
              name: 'framework',
              priority: 20,
              test: /[\\/]node_modules[\\/](vue|@vue|vue-router|pinia|vue-i18n|@intlify|hono)[\\/]/,
            },
            // Shared by the inner screens (card, coupons, history, settings) and the console, not by
            // the first screens (join, staff login, wallet): kept out of `app`, which they all load.
            {
              name: 'inner',
              priority: 11,
              minShareCount: 2,
              test: /[\\/]client[\\/](components[\\/](card[\\/](LedgerList|StampCard)|coupons[\\/]messages|program[\\/]NumField)|composables[\\/](use-push-subscription|use-rotating-code|use-wake-lock)|lib[\\/](form-checks|idempotency|reasons)|api[\\/](program|wallet|rewards)\.|stores[\\/]perks)/,
            },
            // Small shared app modules in one request instead of a dozen tiny ones.
            {
              name: 'app',
              priority: 10,
              minShareCount: 2,
              // The QR component stays with its qrcode dependency, loaded only where a QR is drawn;
              // the account screens (passkeys, devices, privacy) load only when opened; so does
              // the card's feedback (its lazy prompts share their own chunk); the language picker is for
              // staff screens and the business sign-up only, so it is a chunk of its own.
              // With them, the tiny helpers every screen needs (Vite's preload helper, the SFC export helper,
              // plural rules, the contract's small modules): each was a request of its own (its headers
              // alone three times its size) on every first screen.
              test: (id: string) =>
                (/[\\/]client[\\/](lib|api|stores|composables|components|i18n[\\/](index|plural))/.test(id) ||
                  /[\\/]server[\\/]contract[\\/]|plugin-vue:export-helper|vite[\\/]preload-helper/.test(id)) &&
                !/QrCode\.vue|LanguagePicker|InstallPrompt|PushOptIn|[\\/]components[\\/]account[\\/]|[\\/]api[\\/]account|[\\/]stores[\\/]account|use-passkeys|user-agent|feedback/.test(
                  id,
                ),
            },
          ],
        },
      },
    },
  },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
})
