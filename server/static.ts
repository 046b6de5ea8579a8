import fs from 'node:fs'
import path from 'node:path'
import type { Context, Hono } from 'hono'
import { serveStatic } from '@hono/node-server/serve-static'

/** Files the build compresses (server/tools/build.ts): what is worth sending as brotli or gzip. */
export const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|xml|ico)$/

/**
 * Serves the built client from distDir. The build wrote a brotli (.br) and a gzip (.gz) copy beside
 * every compressible file; the one the browser accepts is sent (brotli first) with
 * `Vary: Accept-Encoding`, so a shared cache keeps one copy per encoding. Hashed assets are cached
 * for a year and never revalidated (a new build has new names); index.html, the service worker and
 * everything else unhashed are revalidated on every use (`no-cache`), so an update is seen. Any other
 * GET that is not /api gets index.html (the SPA router decides); /api never falls through to it.
 */
export function serveClient(app: Hono<any>, distDir: string): void {
  const root = path.relative(process.cwd(), distDir) || '.'
  if (!fs.existsSync(distDir)) {
    app.get('*', (c) =>
      c.req.path.startsWith('/api/')
        ? c.notFound()
        : c.text('The client is not built yet: run `npm run build` (npm start does it for you).', 503),
    )
    return
  }
  const assetsDir = `${path.sep}assets${path.sep}`
  const cacheHeaders = (file: string, c: Context) => {
    c.header('Cache-Control', file.includes(assetsDir) ? 'public, max-age=31536000, immutable' : 'no-cache')
    // serveStatic says Vary when it sends a compressed copy; a cache must know when it did not, too.
    if (COMPRESSIBLE.test(file)) c.header('Vary', 'Accept-Encoding')
  }
  app.use('*', serveStatic({ root, precompressed: true, onFound: cacheHeaders }))
  const index = serveStatic({ root, path: 'index.html', precompressed: true, onFound: cacheHeaders })
  app.get('*', async (c, next) => {
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) return c.notFound()
    return (await index(c, next)) ?? c.notFound()
  })
}
