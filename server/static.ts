import fs from 'node:fs'
import path from 'node:path'
import type { Hono } from 'hono'
import { serveStatic } from '@hono/node-server/serve-static'

/**
 * Serves the built client from distDir. Hashed assets are cached for a year; the service worker,
 * its manifest and index.html are revalidated so an update is seen. Any other GET that is not
 * /api gets index.html (the SPA router decides); /api never falls through to it.
 */
export function serveClient(app: Hono<any>, distDir: string): void {
  const indexFile = path.join(distDir, 'index.html')
  const root = path.relative(process.cwd(), distDir) || '.'
  app.use('/assets/*', async (c, next) => {
    await next()
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable')
  })
  if (!fs.existsSync(distDir)) {
    app.get('*', (c) =>
      c.req.path.startsWith('/api/')
        ? c.notFound()
        : c.text('The client is not built yet: run `npm run build` (npm start does it for you).', 503),
    )
    return
  }
  app.use(
    '*',
    serveStatic({
      root,
      onFound: (p, c) => {
        if (!p.includes(`${path.sep}assets${path.sep}`)) c.header('Cache-Control', 'no-cache')
      },
    }),
  )
  app.get('*', (c) => {
    if (c.req.path === '/api' || c.req.path.startsWith('/api/')) return c.notFound()
    c.header('Cache-Control', 'no-cache')
    return c.html(fs.readFileSync(indexFile, 'utf8'))
  })
}
