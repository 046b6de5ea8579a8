import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { inject } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.js'
import {
  DatabaseUnavailableError,
  openPgDb,
  writeTx,
  WriteOutsideTxError,
  type OpenedDb,
} from '../../server/db/connection.js'
import { withTryLock } from '../../server/db/queries/locks.js'
import { freshPgDatabase, urlFor } from '../helpers/pg.js'

/* PostgreSQL only (project api-pg): the write path and the boot check; tests/api/database.test.ts is SQLite's. */
let fresh: Awaited<ReturnType<typeof freshPgDatabase>>
let opened: OpenedDb
beforeAll(async () => {
  fresh = await freshPgDatabase(inject('pgTemplate'))
  opened = await openPgDb(fresh.url, { poolSize: 4 })
  await writeTx(opened.db, (tx) =>
    sql`create table notes (id serial primary key, body text not null unique)`.execute(tx),
  )
})
afterAll(async () => {
  await opened.close()
  await fresh.drop()
})

const merchant = {
  id: 'm1',
  slug: 'm',
  name: 'M',
  brand_color: '#000',
  accent_color: '#000',
  timezone: 'UTC',
  currency: 'EUR',
  created_at: 'x',
}

describe('the one write path on PostgreSQL', () => {
  it('refuses a write outside writeTx (connections are read-only by default) and changes nothing', async () => {
    const db = opened.db
    await expect(db.insertInto('merchants').values(merchant).execute()).rejects.toThrow(WriteOutsideTxError)
    await expect(sql`delete from merchants`.execute(db)).rejects.toThrow(WriteOutsideTxError)
    expect(await db.selectFrom('merchants').select('id').execute()).toEqual([])
    await writeTx(db, (tx) => tx.insertInto('merchants').values(merchant).execute())
    await expect(db.updateTable('merchants').set({ name: 'N' }).execute()).rejects.toThrow(WriteOutsideTxError)
    expect(await db.selectFrom('merchants').select('name').execute()).toEqual([{ name: 'M' }])
  })

  it('rolls back a transaction that throws, and keeps the others', async () => {
    const add = (body: string) => (tx: OpenedDb['db']) => sql`insert into notes (body) values (${body})`.execute(tx)
    const results = await Promise.allSettled([
      writeTx(opened.db, add('a')),
      writeTx(opened.db, async (tx) => {
        await add('b')(tx)
        throw new Error('refused')
      }),
      writeTx(opened.db, add('c')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const rows = await sql<{ body: string }>`select body from notes order by body`.execute(opened.db)
    expect(rows.rows.map((r) => r.body)).toEqual(['a', 'c'])
  })

  it('runs a transaction again when a concurrent one took its unique key, so it sees that row', async () => {
    let tries = 0
    const upsertish = (body: string) =>
      writeTx(opened.db, async (tx) => {
        tries++
        const seen = await sql<{ id: number }>`select id from notes where body = ${body}`.execute(tx)
        if (seen.rows[0]) return 'found'
        await new Promise((r) => setTimeout(r, 50)) // both have looked before either inserts
        await sql`insert into notes (body) values (${body})`.execute(tx)
        return 'inserted'
      })
    const outcomes = await Promise.all([upsertish('same'), upsertish('same')])
    expect(outcomes.sort()).toEqual(['found', 'inserted'])
    expect(tries).toBe(3)
  })

  it('reads counts and sums as numbers', async () => {
    const r = await sql<{
      n: unknown
      s: unknown
      a: unknown
    }>`select count(*) as n, sum(id::bigint) as s, avg(id) as a from notes`.execute(opened.db)
    expect(r.rows[0]).toEqual({ n: expect.any(Number), s: expect.any(Number), a: expect.any(Number) })
  })
})

describe('prepared statements', () => {
  it('prepares a statement on its second use, and runs it again unnamed after its table changed', async () => {
    const one = await openPgDb(fresh.url, { poolSize: 1 })
    try {
      await writeTx(one.db, (tx) => sql`create table jots (id int primary key, body text)`.execute(tx))
      await writeTx(one.db, (tx) => sql`insert into jots values (1, 'x')`.execute(tx))
      // A table outside the app's schema: the query is written as SQL text would be, through Kysely.
      const read = (db: OpenedDb['db']) =>
        (db as unknown as Kysely<{ jots: { id: number; body: string } }>)
          .selectFrom('jots')
          .selectAll()
          .where('id', '=', 1)
          .execute()
      const prepared = async () =>
        (
          await sql<{
            statement: string
          }>`select statement from pg_prepared_statements where statement like '%jots%'`.execute(one.db)
        ).rows.map((r) => r.statement)
      await read(one.db)
      expect(await prepared()).toEqual([])
      await read(one.db)
      expect(await prepared()).toEqual(['select * from "jots" where "id" = $1'])
      expect(await read(one.db)).toEqual([{ id: 1, body: 'x' }])
      // Another process adds a column: the prepared plan no longer fits; the read still answers.
      await writeTx(one.db, (tx) => sql`alter table jots add column extra text`.execute(tx))
      expect(await read(one.db)).toEqual([{ id: 1, body: 'x', extra: null }])
      await read(one.db)
      await read(one.db)
      await writeTx(one.db, (tx) => sql`alter table jots add column more text`.execute(tx))
      // Inside a transaction the failed statement aborts it; writeTx runs it again and it succeeds.
      expect(await writeTx(one.db, (tx) => read(tx))).toEqual([{ id: 1, body: 'x', extra: null, more: null }])
    } finally {
      await one.close()
    }
  })
})

describe('advisory locks', () => {
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

  it('let more tasks hold a lock at once than the pool has connections, each writing under it', async () => {
    // Eight jobs on a pool of four, as every scheduled job ticking in the same second does. With a
    // connection per lock, four holders would each wait for a fifth connection for ever.
    const keys = Array.from({ length: 8 }, (_, i) => `many:${i}`)
    let inside = 0
    let most = 0
    const results = await Promise.all(
      keys.map((key) =>
        withTryLock(opened.db, key, async () => {
          most = Math.max(most, ++inside)
          await pause(100)
          await writeTx(opened.db, (tx) => sql`insert into notes (body) values (${key})`.execute(tx))
          inside--
          return key
        }),
      ),
    )
    expect(results).toEqual(keys.map((key) => ({ ran: true, value: key })))
    expect(most).toBe(8)
    // The lock connection goes back to the pool with the last lock.
    await vi.waitFor(() => expect(opened.pool!.idleCount).toBe(opened.pool!.totalCount))
  }, 10_000)

  it('let one of two tasks of one process hold a key, and another process wait for it too', async () => {
    const other = await openPgDb(fresh.url, { poolSize: 2 })
    try {
      const hold = () => withTryLock(opened.db, 'one', () => pause(200).then(() => 'held'))
      const [a, b, elsewhere] = await Promise.all([
        hold(),
        hold(),
        pause(50).then(() => withTryLock(other.db, 'one', async () => 'elsewhere')),
      ])
      expect([a, b].map((r) => r.ran).sort()).toEqual([false, true])
      expect(elsewhere).toEqual({ ran: false })
      // Let go: the other process takes it now.
      expect(await withTryLock(other.db, 'one', async () => 'elsewhere')).toEqual({ ran: true, value: 'elsewhere' })
    } finally {
      await other.close()
    }
  })
})

describe('the boot check', () => {
  it('names an unreachable server', async () => {
    const err = await openPgDb('postgres://lw:lw@127.0.0.1:1/nothing').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DatabaseUnavailableError)
    expect(String((err as Error).message)).toMatch(
      /DATABASE_URL: cannot use database "nothing" on 127\.0\.0\.1:1 .*nothing is listening there/,
    )
  })

  it('names a database that does not exist', async () => {
    const err = await openPgDb(urlFor('lw_no_such_database')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DatabaseUnavailableError)
    expect(String((err as Error).message)).toMatch(/"lw_no_such_database" does not exist; create it first/)
  })

  it('refuses a DATABASE_URL that is not a PostgreSQL URL naming a database', () => {
    for (const url of ['mysql://x@y/z', 'postgres://host-only', 'not a url']) {
      expect(() => loadConfig({ DATABASE_URL: url })).toThrow(ConfigError)
      expect(() => loadConfig({ DATABASE_URL: url })).toThrow(/DATABASE_URL/)
    }
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/loyalty' }).databaseUrl).toBe(
      'postgres://u:p@db:5432/loyalty',
    )
    expect(loadConfig({}).databaseUrl).toBeNull()
  })
})
