/**
 * A server process for the PostgreSQL earn benchmark, on a database the benchmark has seeded:
 * `real` is the whole app (POS earn with API key, validation, idempotency, ledger) on its pg pool;
 * `baseline` is a bare Hono route with a pg pool of the same size doing one insert and one update
 * in one transaction. It prints one JSON line with its port.
 */
import path from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import pg from 'pg'
import { createApp } from '../server/app.js'
import { listen } from '../server/listen.js'
import { loadConfig } from '../server/config.js'
import { openPgDb } from '../server/db/connection.js'
import { systemClock } from '../server/domain/clock.js'
import { newId } from '../server/domain/ids.js'
import type { Deps } from '../server/services/common/deps.js'

/** The bare route: a Hono app on its own pg pool doing one insert and one update in one transaction. */
export async function bareEarnHandler(url: string, poolSize: number) {
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  pool.on('error', () => undefined) // the benchmark drops the database under it at the end
  const { rows } = await pool.query<{ id: string; card_number: string; merchant_id: string }>(
    'select id, card_number, merchant_id from cards',
  )
  const byNumber = new Map(rows.map((c) => [c.card_number, c]))
  const bare = new Hono()
  bare.post('/earn', async (c) => {
    const body = await c.req.json<{ cardNumber: string; amountMinor: number }>()
    const card = byNumber.get(body.cardNumber)
    if (!card) return c.json({ error: 'no card' }, 404)
    const points = Math.floor(body.amountMinor / 100)
    const at = new Date().toISOString()
    const client = await pool.connect()
    try {
      await client.query('begin')
      await client.query(
        `insert into ledger_entries (id, card_id, merchant_id, kind, points, balance_after, reason, created_at)
         values ($1, $2, $3, 'earn', $4, 0, 'bench', $5)`,
        [newId(), card.id, card.merchant_id, points, at],
      )
      await client.query('update cards set balance = balance + $1, updated_at = $2 where id = $3', [
        points,
        at,
        card.id,
      ])
      await client.query('commit')
    } catch (err) {
      await client.query('rollback').catch(() => undefined)
      throw err
    } finally {
      client.release()
    }
    return c.json({ points }, 201)
  })
  return bare.fetch
}

const POOL = 10
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [mode, url, dataDir] = process.argv.slice(2) as [string, string, string]
  let fetchHandler: (req: Request) => Response | Promise<Response>
  if (mode === 'real') {
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://bench.invalid',
      VAPID_SUBJECT: 'mailto:bench@example.com',
      DATA_DIR: dataDir,
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: String(POOL),
    })
    const opened = await openPgDb(url, { poolSize: POOL })
    const deps: Deps = { db: opened.db, clock: systemClock, config, setupToken: null }
    fetchHandler = createApp(deps).fetch
  } else {
    fetchHandler = await bareEarnHandler(url, POOL)
  }
  const at = { port: 0, hostname: '127.0.0.1' }
  const onListening = (info: { port: number }) => console.log(JSON.stringify({ port: info.port }))
  if (mode === 'real') listen(fetchHandler, at, onListening)
  else serve({ fetch: fetchHandler, ...at }, onListening)
  process.on('SIGTERM', () => process.exit(0))
}
