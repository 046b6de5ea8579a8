import fs from 'node:fs'
import path from 'node:path'
import type { Hono } from 'hono'
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
  // serveStatic answers before onFound runs, so the headers go on its answer afterwards.
  app.use('*', async (c, next) => {
    await next()
    const p = c.req.path
    if (p === '/api' || p.startsWith('/api/') || !c.res.ok) return
    c.res.headers.set('Cache-Control', p.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
    // serveStatic says Vary when it sends a compressed copy; a cache must know when it did not, too.
    if (
      /^(text\/|application\/(javascript|json|manifest\+json)|image\/svg)/.test(c.res.headers.get('content-type') ?? '')
    )
      if (!/accept-encoding/i.test(c.res.headers.get('vary') ?? '')) c.res.headers.append('Vary', 'Accept-Encoding')
  })
  app.use('*', serveStatic({ root, precompressed: true }))
  const index = serveStatic({ root, path: 'index.html', precompressed: true })
  app.get('*', async (c, next) => {
    // A missing asset is a 404, not the app's page cached for a year under its name.
    if (c.req.path === '/api' || c.req.path.startsWith('/api/') || c.req.path.startsWith('/assets/'))
      return c.notFound()
    return (await index(c, next)) ?? c.notFound()
  })
}
