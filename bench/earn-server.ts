/**
 * A server process for the earn benchmark: `real` is the whole app (POS earn with API key,
 * validation, idempotency, ledger), `baseline` is a bare Hono route doing one insert and one
 * update in one SQLite transaction. Both spread their earns over the same 500 members. It prints one JSON line with what the client needs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createApp } from '../server/app.js'
import { listen } from '../server/listen.js'
import { loadConfig } from '../server/config.js'
import { migrate, openDb } from '../server/db/connection.js'
import { systemClock } from '../server/domain/clock.js'
import { newId } from '../server/domain/ids.js'
import type { Deps } from '../server/services/common/deps.js'
import { seedPosMerchant } from './seed.js'

const mode = process.argv[2]
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-'))
const config = loadConfig({
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://bench.invalid',
  VAPID_SUBJECT: 'mailto:bench@example.com',
  DATA_DIR: dir,
  PORT: '0',
  HOST: '127.0.0.1',
})
// BENCH_PLAIN_WRITES=1: no group commit (one transaction per write) and SQLite's own checkpoints in
// the commits, to show what those two still buy.
const plain = process.env.BENCH_PLAIN_WRITES === '1'
const opened = openDb(config.dbFile, plain ? { maxBatch: 1 } : { backgroundCheckpoints: true })
await migrate(opened.db)
const deps: Deps = { db: opened.db, clock: systemClock, config, setupToken: null }
const { merchantId, key, cards } = await seedPosMerchant(deps, 500)

let fetchHandler: (req: Request) => Response | Promise<Response>
if (mode === 'real') {
  fetchHandler = createApp(deps).fetch
} else {
  const sqlite = opened.sqlite
  const insert = sqlite.prepare(
    `insert into ledger_entries (id, card_id, merchant_id, kind, points, balance_after, reason, created_at)
     values (?, ?, ?, 'earn', ?, 0, 'bench', ?)`,
  )
  const update = sqlite.prepare('update cards set balance = balance + ?, updated_at = ? where id = ?')
  const tx = sqlite.transaction((cardId: string, points: number, at: string) => {
    insert.run(newId(), cardId, merchantId, points, at)
    update.run(points, at, cardId)
  })
  const byNumber = new Map(cards.map((c) => [c.cardNumber, c.id]))
  const bare = new Hono()
  bare.post('/earn', async (c) => {
    const body = await c.req.json<{ cardNumber: string; amountMinor: number }>()
    const cardId = byNumber.get(body.cardNumber)
    if (!cardId) return c.json({ error: 'no card' }, 404)
    const points = Math.floor(body.amountMinor / 100)
    tx(cardId, points, new Date().toISOString())
    return c.json({ points }, 201)
  })
  fetchHandler = bare.fetch
}

const at = { port: 0, hostname: '127.0.0.1' }
const onListening = (info: { port: number }) =>
  console.log(JSON.stringify({ port: info.port, apiKey: key, cardNumbers: cards.map((c) => c.cardNumber) }))
if (mode === 'real') listen(fetchHandler, at, onListening)
else serve({ fetch: fetchHandler, ...at }, onListening)
process.on('SIGTERM', () => {
  fs.rmSync(dir, { recursive: true, force: true })
  process.exit(0)
})
