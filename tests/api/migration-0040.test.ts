import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate, openDb, writeTx, type OpenedDb } from '../../server/db/connection.js'

let dir: string
let opened: OpenedDb | null = null
afterEach(async () => {
  await opened?.close()
  opened = null
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('migration 0040 on a database in use', () => {
  it('replays each ledger into what is left of its lots, and gives every card a summary to compute', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-mig-'))
    opened = openDb(path.join(dir, 'loyalty.db'))
    const db = opened.db
    await migrate(db, '0030-till-ready')
    const at = (m: number) => `2026-01-01T10:${String(m).padStart(2, '0')}:00.000Z`
    // c1: earns 10 (expires in June) and 20, spends 15 (10 of the first lot, 5 of the second), and an
    // expiry that names the second lot takes its last 15. c2: one earn, nothing else. c3: no entries.
    const entries: [string, string, string, number, string | null, string | null][] = [
      ['e1', 'c1', 'earn', 10, '2026-06-01T00:00:00.000Z', null],
      ['e2', 'c1', 'earn', 20, '2026-07-01T00:00:00.000Z', null],
      ['e3', 'c1', 'redeem', -15, null, null],
      ['e4', 'c1', 'expire', -15, null, 'e2'],
      ['e5', 'c1', 'earn', 7, null, null],
      ['e6', 'c2', 'earn', 4, null, null],
    ]
    await writeTx(db, async (tx) => {
      await sql`insert into merchants (id, slug, name, brand_color, accent_color, logo_url, timezone, currency, created_at)
        values ('m1', 'm1', 'M', '#000000', '#ffffff', null, 'UTC', 'EUR', ${at(0)})`.execute(tx)
      for (const c of ['c1', 'c2', 'c3']) {
        await sql`insert into customers (id, name, email, birthday, created_at) values (${`u${c}`}, 'Ada', null, '1990-05-04', ${at(0)})`.execute(
          tx,
        )
        await sql`insert into cards (id, customer_id, merchant_id, card_number, totp_secret, balance, last_code_step, marketing_consent, signup_link_id, created_at, updated_at)
          values (${c}, ${`u${c}`}, 'm1', ${`CARD${c}`}, 'JBSWY3DPEHPK3PXP', 0, null, 0, null, ${at(0)}, ${at(0)})`.execute(
          tx,
        )
      }
      const seq = new Map<string, number>()
      for (const [i, [id, card, kind, points, expires, names]] of entries.entries()) {
        seq.set(card, (seq.get(card) ?? 0) + 1)
        await sql`insert into ledger_entries (id, card_id, merchant_id, kind, points, balance_after, reason, amount_minor, currency, staff_id, api_key_id, reverses_entry_id, lot_expires_at, program_version, expires_entry_id, idempotency_key, created_at, seq)
          values (${id}, ${card}, 'm1', ${kind}, ${points}, 0, 'x', null, null, null, null, null, ${expires}, null, ${names}, null, ${at(i + 1)}, ${seq.get(card)})`.execute(
          tx,
        )
      }
    })
    await migrate(db)
    const lots = await db
      .selectFrom('point_lots')
      .select(['entry_id', 'card_id', 'seq', 'remaining', 'expires_at'])
      .orderBy('card_id')
      .orderBy('seq')
      .execute()
    expect(lots).toEqual([
      { entry_id: 'e5', card_id: 'c1', seq: 5, remaining: 7, expires_at: null },
      { entry_id: 'e6', card_id: 'c2', seq: 1, remaining: 4, expires_at: null },
    ])
    const summaries = await db
      .selectFrom('card_summaries')
      .select(['card_id', 'program_version', 'last_activity_at', 'stale_at'])
      .orderBy('card_id')
      .execute()
    // Never computed (version 0) and stale at once: the read computes each until the tier job does.
    expect(summaries).toEqual([
      { card_id: 'c1', program_version: 0, last_activity_at: at(5), stale_at: '1970-01-01T00:00:00.000Z' },
      { card_id: 'c2', program_version: 0, last_activity_at: at(6), stale_at: '1970-01-01T00:00:00.000Z' },
      { card_id: 'c3', program_version: 0, last_activity_at: null, stale_at: '1970-01-01T00:00:00.000Z' },
    ])
  })
})
