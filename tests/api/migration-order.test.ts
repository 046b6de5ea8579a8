import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate, openDb, openPgDb, writeTx, type OpenedDb } from '../../server/db/connection.js'
import { migrations } from '../../server/db/migrations/index.js'
import { createDatabase, dropDatabase, urlFor, withAdmin } from '../helpers/pg.js'
import { testBackend } from '../helpers/test-app.js'

/*
 * The platform's migrations (0020-0022) are numbered before the till's 0030 and feedback's 0070, which
 * shipped first. A database that ran those takes 0020-0022 (and 0071) on its next start, and ends with
 * the schema a new database gets. Runs on the backend of the project (api: SQLite, api-pg: PostgreSQL).
 */

const RELEASED_BEFORE = [
  '0001-initial',
  '0002-program-engine',
  '0003-rewards-coupons-stamps',
  '0004-console-admin',
  '0005-push',
  '0006-account-recovery-privacy',
  '0007-email-verified',
  '0008-insights',
  '0009-insights-lift-alerts',
  '0010-lean-write-path',
  '0011-several-processes',
  '0030-till-ready',
  '0070-feedback',
]

const opened: OpenedDb[] = []
const cleanups: Array<() => Promise<unknown> | void> = []
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close()
  for (const c of cleanups.splice(0)) await c()
})

let n = 0
/** An empty database on the project's backend. */
async function emptyDatabase(): Promise<OpenedDb> {
  if (testBackend === 'postgres') {
    const name = `lw_migorder_${process.pid}_${++n}`
    await withAdmin((c) => createDatabase(c, name))
    cleanups.push(() => withAdmin((c) => dropDatabase(c, name)))
    const o = await openPgDb(urlFor(name), { poolSize: 2 })
    opened.push(o)
    return o
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-migorder-'))
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  const o = openDb(path.join(dir, 'loyalty.db'))
  opened.push(o)
  return o
}

/** Every table with its columns, sorted (the migrator's own tables left out). */
async function shape(o: OpenedDb) {
  const tables = await o.db.introspection.getTables()
  return tables
    .filter((tb) => !tb.name.startsWith('kysely_'))
    .map((tb) => ({ table: tb.name, columns: tb.columns.map((c) => `${c.name} ${c.dataType}`).sort() }))
    .sort((a, b) => (a.table < b.table ? -1 : 1))
}

describe('migrations on a database made before the platform', () => {
  it('apply 0020-0022 after 0030 and 0070, keep its data, and end with the schema a new database gets', async () => {
    const older = await emptyDatabase()
    const released = Object.fromEntries(RELEASED_BEFORE.map((name) => [name, migrations[name]!]))
    expect(await migrate(older.db, undefined, released)).toEqual(RELEASED_BEFORE)

    const at = '2026-01-01T10:00:00.000Z'
    await writeTx(older.db, async (tx) => {
      await sql`insert into merchants (id, slug, name, brand_color, accent_color, logo_url, timezone, currency, created_at)
        values ('m1', 'm1', 'M', '#000000', '#ffffff', null, 'UTC', 'EUR', ${at})`.execute(tx)
      await sql`insert into customers (id, name, email, birthday, created_at) values ('u1', 'Ada', null, null, ${at})`.execute(
        tx,
      )
      await sql`insert into cards (id, customer_id, merchant_id, card_number, totp_secret, balance, last_code_step, marketing_consent, signup_link_id, created_at, updated_at)
        values ('c1', 'u1', 'm1', 'AAAA2222', 'JBSWY3DPEHPK3PXP', 5, null, 0, null, ${at}, ${at})`.execute(tx)
      await sql`insert into ledger_entries (id, card_id, merchant_id, kind, points, balance_after, reason, amount_minor, currency, staff_id, api_key_id, reverses_entry_id, lot_expires_at, program_version, idempotency_key, created_at, seq)
        values ('e1', 'c1', 'm1', 'earn', 5, 5, 'x', 500, 'EUR', null, null, null, null, null, null, ${at}, 1)`.execute(
        tx,
      )
    })

    // The next start: what was missing, in name order (and the migrations that came after, such as 0090).
    expect(await migrate(older.db)).toEqual(
      Object.keys(migrations)
        .filter((n) => !RELEASED_BEFORE.includes(n))
        .sort(),
    )
    expect(Object.keys(migrations).filter((n) => !RELEASED_BEFORE.includes(n) && n < '0090')).toEqual([
      '0020-businesses',
      '0021-locations',
      '0022-staff-accounts',
      // Migrations made beside or after this test's scenario are missing on it too.
      '0040-lots-and-card-summaries',
      '0050-retention',
      '0060-languages',
      '0071-offline-scan-locations',
      '0080-wallet-passes',
    ])
    expect(await migrate(older.db)).toEqual([])

    // The business that existed is live and past its first run; its card was used when it was last updated.
    const m = await older.db
      .selectFrom('merchants')
      .select(['email_verified_at', 'live_at', 'suspended_at'])
      .executeTakeFirstOrThrow()
    expect(m).toEqual({ email_verified_at: at, live_at: at, suspended_at: null })
    expect(
      await older.db.selectFrom('first_run_steps').select('step').where('merchant_id', '=', 'm1').execute(),
    ).toHaveLength(5)
    const entry = await older.db.selectFrom('ledger_entries').select(['seq', 'location_id']).executeTakeFirstOrThrow()
    expect(entry).toEqual({ seq: 1, location_id: null })
    expect((await older.db.selectFrom('cards').select('last_used_at').executeTakeFirstOrThrow()).last_used_at).toBe(at)

    const fresh = await emptyDatabase()
    expect(await migrate(fresh.db)).toEqual(Object.keys(migrations).sort())
    expect(await shape(older)).toEqual(await shape(fresh))
  })
})
