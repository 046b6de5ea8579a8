import type BetterSqlite3 from 'better-sqlite3'
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type Transaction } from 'kysely'
import type pg from 'pg'
import { DatabaseUnavailableError, WriteOutsideTxError } from './errors.js'
import { migrations } from './migrations/index.js'
import {
  BEGIN_READ_WRITE,
  checkPostgres,
  COMMIT,
  isRetryable,
  MAX_TX_ATTEMPTS,
  openPostgres,
  ROLLBACK,
  type PgOptions,
} from './postgres.js'
import type { Database } from './schema.js'
import { openSqlite, sqliteWriteTx, withSqliteWrites, type SqliteOptions } from './sqlite.js'

export { DatabaseUnavailableError, WriteOutsideTxError }
export type Db = Kysely<Database>
export type Tx = Transaction<Database> | Kysely<Database>
export type Backend = 'sqlite' | 'postgres'

export interface OpenedDb {
  db: Db
  backend: Backend
  /** The raw SQLite handle (pragmas, online backup, the benchmark baseline); null on PostgreSQL. */
  sqlite: BetterSqlite3.Database | null
  /** The pg pool (the jobs' advisory locks, the benchmark baseline); null on SQLite. */
  pool: pg.Pool | null
  close(): Promise<void>
}

export type OpenOptions = SqliteOptions

/** The embedded database: one SQLite file. */
export function openDb(file: string, opts: OpenOptions = {}): OpenedDb & { sqlite: BetterSqlite3.Database } {
  const s = openSqlite(file, opts)
  return { db: s.db, backend: 'sqlite', sqlite: s.sqlite, pool: null, close: s.close }
}

/** PostgreSQL at `url`; checks it is reachable and usable first (DatabaseUnavailableError says why not). */
export async function openPgDb(url: string, opts: PgOptions = {}): Promise<OpenedDb> {
  const { db, pool } = openPostgres(url, opts)
  try {
    const { collation } = await checkPostgres(pool, url)
    if (!/^(C|POSIX|C\.UTF-?8)$/i.test(collation)) {
      console.warn(
        `PostgreSQL database collation is ${collation}: text sorts by language rules there (SQLite sorts by code point). ` +
          'Create the database with --locale=C (docs/deploying.md) so lists sort the same on both.',
      )
    }
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw err
  }
  const close = async () => {
    await db.destroy()
    // Kysely ends the pool only if it ever ran a query; the boot check's connection may be all.
    if (!pool.ended) await pool.end()
  }
  return { db, backend: 'postgres', sqlite: null, pool, close }
}

/** The backend the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file in DATA_DIR. */
export function openDatabase(
  config: { databaseUrl: string | null; dbFile: string; dbPoolSize?: number },
  opts: OpenOptions = {},
): Promise<OpenedDb> {
  if (config.databaseUrl) return openPgDb(config.databaseUrl, { poolSize: config.dbPoolSize })
  return Promise.resolve(openDb(config.dbFile, opts))
}

/** Which backend runs `db`: a transaction's handle answers the same as the database it belongs to. */
export const backendOf = (db: Tx): Backend =>
  db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite'

/**
 * Applies the migrations not yet applied (up to `to`, a migration's name, when given; tests use it).
 * `set` is every migration there is; tests pass an older release's list to make a database as it was.
 */
export async function migrate(db: Db, to?: string, set: Record<string, Migration> = migrations): Promise<string[]> {
  // The migrator takes one connection for its whole run and opens its own transaction (on
  // PostgreSQL one for all migrations, under an advisory lock, so processes starting together
  // apply them once). Writes are opened on that connection only.
  const { error, results } = await db.connection().execute(async (conn) => {
    const run = () => {
      // Features take number ranges (0020, 0030, 0050, 0070, ...) and land in any order: a database that
      // already has 0070 still takes a 0020 or 0050 merged after it, rather than refusing to start.
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => set },
        allowUnorderedMigrations: true,
      })
      return to ? migrator.migrateTo(to) : migrator.migrateToLatest()
    }
    if (backendOf(db) === 'sqlite') return withSqliteWrites(db, run)
    await sql`set session default_transaction_read_only = off`.execute(conn)
    try {
      return await run()
    } finally {
      await sql`set session default_transaction_read_only = on`.execute(conn)
    }
  })
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/**
 * Runs fn in a write transaction and resolves once that transaction is committed: the one way to
 * write. fn must use the tx it is given, never the db (on SQLite the connection is held), and must
 * not nest writeTx.
 *
 * SQLite: group commit, see sqliteWriteTx. PostgreSQL: one transaction per call on a pooled
 * connection, opened READ WRITE (every other transaction is read-only, so a write outside writeTx
 * fails as it does on SQLite). Transactions run side by side there, so fn may run more than once:
 * after a deadlock, a serialization failure or a unique key that a concurrent transaction took,
 * the whole transaction is rolled back and fn runs again from the start. fn must therefore change
 * nothing outside the database (build its results inside, send mail and pushes after).
 */
export function writeTx<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const job = withCommitHooks(fn)
  return backendOf(db) === 'postgres' ? pgWriteTx(db, job) : sqliteWriteTx(db, job)
}

interface TxScope {
  locals: Map<string, unknown>
  hooks: Map<string, () => Promise<void>>
}
/** The state of the writeTx call running on a tx (one at a time per tx: SQLite runs its jobs in turn). */
const scopes = new WeakMap<object, TxScope>()

/** fn, then the hooks it registered, all in its transaction; its state is dropped however it ends. */
function withCommitHooks<T>(fn: (tx: Db) => Promise<T>): (tx: Db) => Promise<T> {
  return async (tx) => {
    const scope: TxScope = { locals: new Map(), hooks: new Map() }
    scopes.set(tx, scope)
    try {
      const value = await fn(tx)
      // A hook may register another (and add to its locals): run until none is left.
      while (scope.hooks.size > 0) {
        const hooks = [...scope.hooks.values()]
        scope.hooks.clear()
        for (const hook of hooks) await hook()
      }
      return value
    } finally {
      scopes.delete(tx)
    }
  }
}

function scopeOf(tx: Tx): TxScope {
  const scope = scopes.get(tx)
  if (!scope) throw new WriteOutsideTxError('a before-commit step outside writeTx')
  return scope
}

/**
 * Runs `hook` once at the end of the writeTx that `tx` belongs to, after its function and still in
 * its transaction (a failure rolls everything back). Registering the same key again keeps one run.
 * For work that must follow every write of a kind but need only be done once per transaction, such
 * as a card's summary after all the entries and tier moves of one use case.
 */
export function beforeCommit(tx: Tx, key: string, hook: () => Promise<void>): void {
  scopeOf(tx).hooks.set(key, hook)
}

/** A value that lives as long as the writeTx call `tx` belongs to (made by init on first use). */
export function txLocal<T>(tx: Tx, key: string, init: () => T): T {
  const { locals } = scopeOf(tx)
  if (!locals.has(key)) locals.set(key, init())
  return locals.get(key) as T
}

async function pgWriteTx<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.connection().execute(async (conn) => {
        await conn.executeQuery(BEGIN_READ_WRITE)
        try {
          const value = await fn(conn)
          await conn.executeQuery(COMMIT)
          return value
        } catch (err) {
          await conn.executeQuery(ROLLBACK).catch(() => undefined)
          throw err
        }
      })
    } catch (err) {
      if (!isRetryable(err) || attempt >= MAX_TX_ATTEMPTS) throw err
      // A little jitter, so two transactions that just collided do not collide again in step.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt))
    }
  }
}
