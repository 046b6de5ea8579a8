/**
 * A server process for the card read benchmark. `real`: the whole app over SQLite with the demo café
 * (tiers, expiry, stamps, rewards) and one member whose card has a short history; it prints the
 * member's cookie and card id. `bare`: a bare Hono route answering the JSON body in BENCH_BODY_FILE
 * (the real card read's answer), and /health; the baseline.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { listen } from '../server/listen.js'

const mode = process.argv[2]
let fetchHandler: (req: Request) => Response | Promise<Response>
let info: Record<string, unknown> = {}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-card-'))

if (mode === 'real') {
  const { createApp } = await import('../server/app.js')
  const { loadConfig } = await import('../server/config.js')
  const { migrate, openDb } = await import('../server/db/connection.js')
  const { systemClock } = await import('../server/domain/clock.js')
  const { seedDemo } = await import('../server/seed/demo.js')
  const { joinProgram } = await import('../server/services/members/join.js')
  const { openSession } = await import('../server/services/members/sessions.js')
  const { earnFromPos } = await import('../server/services/till/award.js')
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' })
  const opened = openDb(config.dbFile, { backgroundCheckpoints: true })
  await migrate(opened.db)
  const deps = { db: opened.db, clock: systemClock, config, setupToken: null }
  const demo = await seedDemo(deps)
  const joined = await joinProgram(deps, { slug: 'demo', name: 'Card Read Member', marketingConsent: false }, null)
  const session = await openSession(deps, { kind: 'customer', customerId: joined.customerId }, 'bench')
  const { actorForApiKey } = await import('../server/services/console/keys-and-links.js')
  const actor = (await actorForApiKey(deps, demo.posKey!))!
  for (let i = 0; i < 4; i++) {
    await earnFromPos(deps, actor, { cardNumber: joined.card.cardNumber, amountMinor: 1250 + i * 100 }, `bench-${i}`)
  }
  fetchHandler = createApp(deps).fetch
  info = { cookie: `lw_c=${session.token}`, cardId: joined.card.id }
} else {
  const body = JSON.parse(fs.readFileSync(process.env.BENCH_BODY_FILE!, 'utf8')) as unknown
  const bare = new Hono()
  bare.get('/card', (c) => c.json(body))
  bare.get('/health', (c) => c.json({ status: 'ok' }))
  fetchHandler = bare.fetch
}

// The app as it is served (secure headers on Node's response); the baseline as bare as Hono gets.
const at = { port: 0, hostname: '127.0.0.1' }
const onListening = (a: { port: number }) => {
  console.log(JSON.stringify({ port: a.port, ...info }))
}
if (mode === 'real') listen(fetchHandler, at, onListening)
else serve({ fetch: fetchHandler, ...at }, onListening)
process.on('SIGTERM', () => {
  fs.rmSync(dir, { recursive: true, force: true })
  process.exit(0)
})
