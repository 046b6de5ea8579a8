import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate, openDb, writeTx, type OpenedDb } from '../../server/db/connection.js'
import { welcomeClaims } from '../../server/domain/bonuses.js'
import { newId } from '../../server/domain/ids.js'

let dir: string
let opened: OpenedDb | null = null
afterEach(async () => {
  await opened?.close()
  opened = null
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('migration 0030 on a database in use', () => {
  it('numbers existing entries in posting order (their ids), not by created_at, and claims members’ welcome bonuses by email', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-mig-'))
    opened = openDb(path.join(dir, 'loyalty.db'))
    const db = opened.db
    await migrate(db, '0010-lean-write-path')
    const at = '2026-01-01T10:00:00.000Z'
    const ids = Array.from({ length: 4 }, () => newId())
    await writeTx(db, async (tx) => {
      await sql`insert into merchants (id, slug, name, brand_color, accent_color, logo_url, timezone, currency, created_at)
        values ('m1', 'm1', 'M', '#000000', '#ffffff', null, 'UTC', 'EUR', ${at})`.execute(tx)
      await sql`insert into customers (id, name, email, birthday, created_at) values ('u1', 'Ada', 'Ada@Example.test', null, ${at})`.execute(
        tx,
      )
      await sql`insert into cards (id, customer_id, merchant_id, card_number, totp_secret, balance, last_code_step, marketing_consent, signup_link_id, created_at, updated_at)
        values ('c1', 'u1', 'm1', 'AAAA2222', 'JBSWY3DPEHPK3PXP', 10, null, 0, null, ${at}, ${at})`.execute(tx)
      // Two tills: the entry posted second started its request first (an earlier created_at).
      const times = ['10:00:01', '10:00:00', '10:00:03', '10:00:02']
      let balance = 0
      for (const [i, id] of ids.entries()) {
        balance += i + 1
        await sql`insert into ledger_entries (id, card_id, merchant_id, kind, points, balance_after, reason, amount_minor, currency, staff_id, api_key_id, reverses_entry_id, lot_expires_at, program_version, idempotency_key, created_at)
          values (${id}, 'c1', 'm1', 'earn', ${i + 1}, ${balance}, 'x', null, null, null, null, null, null, null, null, ${`2026-01-01T${times[i]}.000Z`})`.execute(
          tx,
        )
      }
    })
    await migrate(db)
    const rows = await db.selectFrom('ledger_entries').select(['id', 'seq']).orderBy('seq').execute()
    expect(rows.map((r) => r.id)).toEqual(ids)
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4])
    const claims = await db.selectFrom('welcome_claims').select(['merchant_id', 'claim', 'card_id']).execute()
    expect(claims).toEqual([{ merchant_id: 'm1', claim: welcomeClaims('ada@example.test', null)[0], card_id: 'c1' }])
  })
})
