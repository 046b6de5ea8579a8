// The baseline of server-rss and server-start: a bare Hono app on @hono/node-server answering
// /api/health, started by plain node (what the smallest server of this stack costs).
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono().get('/api/health', (c) => c.json({ status: 'ok' }))
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: process.env.HOST ?? '127.0.0.1' })
