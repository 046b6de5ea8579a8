import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { migrate, openDb, writeTx, WriteOutsideTxError } from '../../server/db/connection.js'
import { prepared } from '../../server/db/prepared.js'

type OpenedDb = ReturnType<typeof openDb>

let dir: string
let opened: OpenedDb | null = null
afterEach(async () => {
  await opened?.close()
  opened = null
  fs.rmSync(dir, { recursive: true, force: true })
})

const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0)

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return check()
}

describe('background checkpoints', () => {
  it('copy committed pages into the database file from a worker, not inside request commits', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-db-'))
    const file = path.join(dir, 'loyalty.db')
    opened = openDb(file, { backgroundCheckpoints: true })
    expect(opened.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    await migrate(opened.db)
    opened.sqlite.exec('create table filler (id integer primary key, body text not null)')
    const before = size(file)
    // About 4 MB: far past the 1000 pages at which a commit would checkpoint by default.
    const insert = opened.sqlite.prepare('insert into filler (body) values (?)')
    for (let i = 0; i < 1000; i++) insert.run('x'.repeat(4000))
    expect(size(`${file}-wal`)).toBeGreaterThan(4_000_000)
    expect(await until(() => size(file) > before + 4_000_000, 10_000)).toBe(true)

    await opened.close()
    opened = null
    const reader = new BetterSqlite3(file, { readonly: true })
    expect(reader.prepare('select count(*) n from filler').get()).toEqual({ n: 1000 })
    reader.close()
  })

  it('are left to SQLite when not asked for', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-db-'))
    opened = openDb(path.join(dir, 'loyalty.db'))
    expect(opened.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  })
})

describe('group commit (writeTx)', () => {
  async function fresh() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-db-'))
    opened = openDb(path.join(dir, 'loyalty.db'))
    opened.sqlite.exec('create table notes (id integer primary key, body text not null unique)')
    return opened
  }
  const bodies = (o: OpenedDb) =>
    (o.sqlite.prepare('select body from notes order by id').all() as { body: string }[]).map((r) => r.body)
  const add = (body: string) => (tx: Parameters<Parameters<typeof writeTx>[1]>[0]) =>
    sql`insert into notes (body) values (${body})`.execute(tx)

  it('keeps the jobs that succeed and rolls back only the one that throws', async () => {
    const o = await fresh()
    const results = await Promise.allSettled([
      writeTx(o.db, async (tx) => (await add('a')(tx), 'A')),
      writeTx(o.db, async (tx) => {
        await add('b')(tx)
        throw new Error('refused')
      }),
      writeTx(o.db, async (tx) => (await add('a')(tx), 'duplicate')), // violates unique: its own failure
      writeTx(o.db, async (tx) => (await add('c')(tx), 'C')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect(results[0]).toMatchObject({ value: 'A' })
    expect(results[1]).toMatchObject({ reason: new Error('refused') })
    expect(bodies(o)).toEqual(['a', 'c'])
  })

  it('lets a later job of the batch see the writes of an earlier one', async () => {
    const o = await fresh()
    const [, seen] = await Promise.all([
      writeTx(o.db, add('first')),
      writeTx(o.db, async (tx) => (await sql<{ n: number }>`select count(*) as n from notes`.execute(tx)).rows[0]!.n),
    ])
    expect(seen).toBe(1)
  })

  it('rolls back only the jobs that throw in a batch whose statement journal is past 64 KiB (in a temporary file)', async () => {
    const o = await fresh()
    // 60 jobs in one batch, each changing pages earlier jobs wrote (so each savepoint journals them):
    // well past the 64 KiB after which SQLite would move the journal to a file. Every fifth job
    // writes, then throws.
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        writeTx(o.db, async (tx) => {
          await add(`${i}:${'x'.repeat(1500)}`)(tx)
          await sql`update notes set body = body || '+' where id = 1`.execute(tx)
          if (i % 5 === 4) throw new Error(`refused ${i}`)
          return i
        }),
      ),
    )
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(12)
    const kept = bodies(o).map((b) => b.split(':')[0])
    expect(kept).toEqual(Array.from({ length: 60 }, (_, i) => String(i)).filter((_, i) => i % 5 !== 4))
    // The first note was appended to by the 48 jobs that were kept, and by none of the others.
    expect(bodies(o)[0]!.endsWith('+'.repeat(48))).toBe(true)
    expect(bodies(o)[0]!.endsWith('+'.repeat(49))).toBe(false)
  })

  it('answers no caller of a batch whose commit fails, and keeps nothing of it', async () => {
    const o = await fresh()
    opened!.sqlite.exec(
      'create table parent (id integer primary key); create table child (id integer primary key, parent_id integer not null references parent(id) deferrable initially deferred)',
    )
    const results = await Promise.allSettled([
      writeTx(o.db, add('kept only if the batch commits')),
      // A deferred foreign key is checked at COMMIT: this makes the commit itself fail.
      writeTx(o.db, (tx) => sql`insert into child (parent_id) values (42)`.execute(tx)),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(bodies(o)).toEqual([])
    // The connection is usable again afterwards.
    await writeTx(o.db, add('later'))
    expect(bodies(o)).toEqual(['later'])
  })
})

describe('the one write path', () => {
  it('refuses a write outside writeTx and changes nothing, while reads go on', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-db-'))
    opened = openDb(path.join(dir, 'loyalty.db'))
    await migrate(opened.db)
    const db = opened.db
    const row = {
      id: 'm1',
      slug: 'm',
      name: 'M',
      brand_color: '#000',
      accent_color: '#000',
      timezone: 'UTC',
      currency: 'EUR',
      created_at: 'x',
    }
    await expect(db.insertInto('merchants').values(row).execute()).rejects.toThrow(WriteOutsideTxError)
    await expect(sql`delete from merchants`.execute(db)).rejects.toThrow(WriteOutsideTxError)
    expect(await db.selectFrom('merchants').select('id').execute()).toEqual([])
    await writeTx(db, (tx) => tx.insertInto('merchants').values(row).execute())
    await expect(db.updateTable('merchants').set({ name: 'N' }).execute()).rejects.toThrow(WriteOutsideTxError)
    expect(await db.selectFrom('merchants').select('name').execute()).toEqual([{ name: 'M' }])

    // A prepared read runs on the connection at once when it is idle, but never while a write
    // transaction is open on it: it must not see a write that is not committed (and may yet roll back).
    const nameOf = prepared((d, a: { id: string }) => d.selectFrom('merchants').select('name').where('id', '=', a.id))
    let release!: () => void
    let opened_!: () => void
    const inside = new Promise<void>((r) => (opened_ = r))
    const writing = writeTx(db, async (tx) => {
      await tx.updateTable('merchants').set({ name: 'N' }).where('id', '=', 'm1').execute()
      opened_()
      await new Promise<void>((r) => (release = r))
    })
    await inside
    const seen: string[] = []
    let committed = false
    const during = nameOf(db, { id: 'm1' }).then((rows) =>
      seen.push(`${rows[0]!.name} ${committed ? 'after' : 'before'}`),
    )
    await new Promise((r) => setTimeout(r, 30))
    expect(seen).not.toContain('N before')
    release()
    await writing
    committed = true
    await during
    expect(await nameOf(db, { id: 'm1' })).toEqual([{ name: 'N' }])
  })
})

describe('migration 0010 (lean write path)', () => {
  it('keeps every idempotency record and the ledger indexes still refuse a lot expired twice', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-db-'))
    opened = openDb(path.join(dir, 'loyalty.db'))
    await migrate(opened.db, '0009-insights-lift-alerts')
    const s = opened.sqlite
    s.prepare(
      "insert into merchants (id, slug, name, brand_color, accent_color, timezone, currency, created_at) values ('m1', 'm', 'M', '#000', '#000', 'UTC', 'EUR', 'x')",
    ).run()
    s.prepare(
      "insert into idempotency_records values ('m1', 'pos:earn', 'key-0001', 'h', 201, '{\"balance\":5}', 'x')",
    ).run()
    await migrate(opened.db)
    expect(s.prepare('select * from idempotency_records').all()).toEqual([
      {
        merchant_id: 'm1',
        scope: 'pos:earn',
        key: 'key-0001',
        request_hash: 'h',
        status: 201,
        body: '{"balance":5}',
        created_at: 'x',
        // 0050: the card an answer is about; unknown for older records.
        card_id: null,
      },
    ])
    expect(() =>
      s
        .prepare(
          "insert into idempotency_records (merchant_id, scope, key, request_hash, status, body, created_at) values ('m1', 'pos:earn', 'key-0001', 'h2', 201, '{}', 'y')",
        )
        .run(),
    ).toThrow(/UNIQUE/)
    const indexes = s
      .prepare(
        "select name, sql from sqlite_master where type = 'index' and name in ('ledger_expires_entry', 'ledger_staff_time')",
      )
      .all() as { sql: string }[]
    expect(indexes.map((i) => /where "?\w+"? is not null/i.test(i.sql))).toEqual([true, true])
    // The unique rule on expiring a lot still holds for the rows the index now holds.
    s.prepare("insert into customers (id, name, created_at) values ('c1', 'C', 'x')").run()
    s.prepare(
      "insert into cards (id, customer_id, merchant_id, card_number, totp_secret, balance, marketing_consent, created_at, updated_at) values ('k1', 'c1', 'm1', 'N1', 'S', 0, 0, 'x', 'x')",
    ).run()
    const entry = s.prepare(
      "insert into ledger_entries (id, card_id, merchant_id, kind, points, balance_after, reason, created_at, expires_entry_id) values (?, 'k1', 'm1', ?, 0, 0, 'r', 'x', ?)",
    )
    entry.run('e1', 'earn', null)
    entry.run('e2', 'expire', 'e1')
    expect(() => entry.run('e3', 'expire', 'e1')).toThrow(/UNIQUE/)
  })
})
