import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.js'
import { loadConfig } from '../../server/config.js'
import { migrate, openDb, openPgDb } from '../../server/db/connection.js'
import { copySqliteToPostgres } from '../../server/db/transfer.js'
import { FixedClock } from '../../server/domain/clock.js'
import type { Deps } from '../../server/services/common/deps.js'
import { uploadLogo } from '../../server/services/console/branding.js'
import { all, get } from '../helpers/db.js'
import { idemKey, merchantWithOwner } from '../helpers/factories.js'
import { createDatabase, dropDatabase, urlFor, withAdmin } from '../helpers/pg.js'
import { T0, TestClient, type TestApp } from '../helpers/test-app.js'
import { migrations } from '../../server/db/migrations/index.js'

/* PostgreSQL only (project api-pg): npm run migrate-to-postgres from a SQLite file with history. */
let dir: string
let source: string
const targets: string[] = []
let seq = 0

/** An empty PostgreSQL database (no template: nothing in it). */
async function emptyDatabase() {
  const name = `lw_move_${process.pid}_${++seq}`
  await withAdmin(async (c) => {
    await dropDatabase(c, name)
    await createDatabase(c, name)
  })
  targets.push(name)
  return urlFor(name)
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-move-'))
  source = path.join(dir, 'loyalty.sqlite')
  const opened = openDb(source)
  await migrate(opened.db)
  const clock = new FixedClock(T0)
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, PUBLIC_URL: 'http://localhost:3000' })
  const deps: Deps = { db: opened.db, clock, config, setupToken: null }
  const app = createApp(deps)
  const t = { db: opened.db, clock, client: () => new TestClient(app) } as unknown as TestApp
  // A merchant with a logo (a blob), a POS key, members with earns, a reversal and a coupon.
  const m = await merchantWithOwner(t, { pointsPerUnit: 10 })
  const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#c82828' } })
    .png()
    .toBuffer()
  await uploadLogo(deps, m.merchantId, png)
  const key = (await m.owner.post('/api/merchant/api-keys', { name: 'Till' })).body.key as string
  const pos = t.client()
  for (let i = 0; i < 12; i++) {
    const card = (await t.client().post('/api/join', { slug: m.slug, name: `Member ${i}` })).body.card
    for (let k = 0; k <= i % 4; k++) {
      clock.advance(60_000)
      const r = await pos.post(
        '/api/pos/v1/earn',
        { cardNumber: card.cardNumber, amountMinor: 1000 + 100 * k },
        { authorization: `Bearer ${key}`, 'idempotency-key': idemKey() },
      )
      expect(r.status).toBe(201)
    }
  }
  await opened.close()
}, 60_000)

afterAll(async () => {
  await withAdmin(async (c) => {
    for (const name of targets) await dropDatabase(c, name)
  })
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('moving a SQLite installation to PostgreSQL', () => {
  it('copies every row (a logo byte for byte), then checks the count of every table and every balance', async () => {
    const url = await emptyDatabase()
    const target = await openPgDb(url)
    try {
      const report = await copySqliteToPostgres(source, target.db)
      expect(report.problems).toEqual([])
      expect(report.cards).toBe(12)
      const byTable = Object.fromEntries(report.tables.map((r) => [r.table, r]))
      expect(byTable.ledger_entries).toEqual({ table: 'ledger_entries', source: 30, target: 30 })
      expect(byTable.idempotency_records!.target).toBe(30)
      expect(byTable.merchant_logos!.target).toBe(1)
      const logo = await get<{ data: Buffer }>(target.db, 'select data from merchant_logos')
      expect(Buffer.isBuffer(logo!.data) && logo!.data.subarray(0, 4).toString()).toBe('RIFF') // WebP, byte for byte
      expect(await all(target.db, 'select name from kysely_migration order by name')).toHaveLength(
        Object.keys(migrations).length,
      )
    } finally {
      await target.close()
    }
  })

  it('refuses a database that is not empty, and says so', async () => {
    const url = await emptyDatabase()
    const target = await openPgDb(url)
    try {
      await copySqliteToPostgres(source, target.db)
      await expect(copySqliteToPostgres(source, target.db)).rejects.toThrow(/not empty/)
    } finally {
      await target.close()
    }
  })

  it('npm run migrate-to-postgres says done only after verifying', () => {
    return emptyDatabase().then((url) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/tools/migrate-to-postgres.ts', source], {
        env: { ...process.env, DATABASE_URL: url, DATA_DIR: dir },
        encoding: 'utf8',
      })
      expect(r.stderr).toBe('')
      expect(r.stdout).toMatch(/ledger_entries: 30 of 30 rows/)
      expect(r.stdout).toMatch(/Done: \d+ tables, \d+ rows, 12 cards whose balances equal their ledgers\./)
      expect(r.status).toBe(0)
    })
  })
})
