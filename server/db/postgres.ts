import pg from 'pg'
import { CompiledQuery, Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely'
import { DatabaseUnavailableError, WriteOutsideTxError } from './errors.js'
import type { Database } from './schema.js'

/**
 * int8 (count(*), sum of integers) and numeric (sum of int8, avg) arrive from pg as text, so that
 * no digit is lost. Every such value here is a count or a sum of points or minor units, far inside
 * 2^53: numbers, as SQLite gives them. A value past that stays text rather than be rounded.
 */
const INT8 = 20
const NUMERIC = 1700
const toNumber = (text: string): number | string => {
  const n = Number(text)
  return Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n)) ? n : text
}
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 || oid === NUMERIC
      ? toNumber
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

/** PostgreSQL's code for "cannot execute X in a read-only transaction". */
const READ_ONLY_SQL_TRANSACTION = '25006'

/**
 * Statements the process runs again and again (every Kysely query compiles to the same text each
 * time) become named prepared statements on each connection: PostgreSQL then parses and plans them
 * once per connection instead of on every call, which halves its CPU per POS earn
 * (bench/earn-profile-pg.ts). A text is named on its second use, so one-off statements (bulk inserts
 * of every length, reports) stay unnamed, and at most MAX_NAMED texts are named per process, which
 * bounds what each connection keeps on the server.
 */
const MAX_NAMED = 400
class StatementNames {
  private readonly named = new Map<string, string>()
  private readonly seenOnce = new Set<string>()
  private next = 0

  nameOf(text: string): string | undefined {
    const name = this.named.get(text)
    if (name || this.named.size >= MAX_NAMED) return name
    if (!this.seenOnce.has(text)) {
      if (this.seenOnce.size >= 10 * MAX_NAMED) this.seenOnce.clear()
      this.seenOnce.add(text)
      return undefined
    }
    this.seenOnce.delete(text)
    const fresh = `lw_${this.next++}`
    this.named.set(text, fresh)
    return fresh
  }

  /** After a stale plan: the text gets a new name (a new plan) on its next uses. */
  forget(text: string) {
    this.named.delete(text)
  }
}

/**
 * A prepared `select *` whose table gained a column (another process migrated) fails once with
 * this; run unnamed it works, and a transaction it broke may simply run again.
 */
const isStalePlan = (err: unknown) =>
  (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test(String(err))
const IN_FAILED_TRANSACTION = '25P02'

/**
 * Every connection starts read-only (default_transaction_read_only): reads run anywhere, and a
 * statement that writes fails unless writeTx opened its transaction READ WRITE. That is the same
 * guarantee the SQLite handle gives, so a stray write fails in tests on either backend. The error
 * is turned into the same WriteOutsideTxError.
 */
function guardedPool(pool: pg.Pool): PostgresPool {
  const names = new StatementNames()
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: (async (sqlText: unknown, parameters?: unknown[]) => {
      if (typeof sqlText !== 'string') return client.query(sqlText as never)
      const name = parameters?.length ? names.nameOf(sqlText) : undefined
      try {
        return await (name
          ? client.query({ name, text: sqlText, values: parameters })
          : client.query(sqlText, parameters))
      } catch (err) {
        if ((err as { code?: string }).code === READ_ONLY_SQL_TRANSACTION) throw new WriteOutsideTxError(sqlText)
        if (!name || !isStalePlan(err)) throw err
        names.forget(sqlText)
        // Outside a transaction the statement runs again unnamed; inside one, writeTx runs it again.
        return client.query(sqlText, parameters).catch((again: unknown) => {
          throw (again as { code?: string }).code === IN_FAILED_TRANSACTION ? err : again
        })
      }
    }) as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  })
  return { connect: async () => wrap(await pool.connect()), end: () => pool.end() }
}

export interface PgOptions {
  /** Connections this process keeps (default 10). */
  poolSize?: number
  /** Name shown in pg_stat_activity. */
  applicationName?: string
}

export function openPostgres(url: string, opts: PgOptions = {}) {
  // Settings given in the URL (`?options=-c …`) are kept, ours added after them (pg would let the
  // URL's replace ours, the read-only default with them).
  const u = new URL(url)
  const fromUrl = u.searchParams.get('options') ?? ''
  u.searchParams.delete('options')
  const pool = new pg.Pool({
    connectionString: u.toString(),
    max: opts.poolSize ?? 10,
    types,
    application_name: opts.applicationName ?? 'loyalty-wallet',
    // A transaction left open by a stuck process must not hold card locks for ever.
    options: `${fromUrl} -c default_transaction_read_only=on -c idle_in_transaction_session_timeout=60000`.trim(),
  })
  // An idle connection that the server drops (restart, failover) is replaced on the next checkout;
  // without a listener pg would throw the error at the process.
  pool.on('error', (err) => console.error('PostgreSQL connection lost (it will be replaced):', err.message))
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }) })
  return { db, pool }
}

/**
 * Connects once and checks that this is a PostgreSQL we can use, so a wrong DATABASE_URL stops the
 * boot with a sentence rather than failing the first request.
 */
export async function checkPostgres(pool: pg.Pool, url: string): Promise<{ version: number; collation: string }> {
  const where = describeUrl(url)
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (err) {
    throw new DatabaseUnavailableError(`DATABASE_URL: cannot use ${where}: ${explain(err)}`)
  }
  try {
    const { rows } = await client.query<{ v: string; collation: string }>(
      `select current_setting('server_version_num') as v, datcollate as collation
         from pg_database where datname = current_database()`,
    )
    const version = Number(rows[0]!.v)
    if (version < 130000) {
      throw new DatabaseUnavailableError(
        `DATABASE_URL: ${where} runs PostgreSQL ${Math.floor(version / 10000)}; version 13 or later is needed.`,
      )
    }
    return { version, collation: rows[0]!.collation }
  } finally {
    client.release()
  }
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url)
    return `database "${u.pathname.slice(1) || '(default)'}" on ${u.hostname || 'localhost'}:${u.port || 5432} as user "${decodeURIComponent(u.username) || '(default)'}"`
  } catch {
    return 'the database'
  }
}

function explain(err: unknown): string {
  const e = err as { code?: string; message?: string }
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'nothing is listening there (is PostgreSQL running, and is the host and port right?)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve'
    case 'ETIMEDOUT':
      return 'the connection timed out'
    case '28P01':
    case '28000':
      return `the server refused the login (${e.message})`
    case '3D000':
      return `${e.message}; create it first (createdb)`
    default:
      return e.message ?? String(err)
  }
}

/**
 * Errors after which the whole transaction may simply run again: a serialization failure or a
 * deadlock (PostgreSQL aborted it), a prepared statement's plan gone stale (it runs unnamed next
 * time), and a unique key another transaction committed meanwhile (run again, the use case sees
 * that row, as it would have one after the other on SQLite: a duplicate idempotency key replays,
 * a second join finds the card).
 */
const RETRYABLE = new Set(['40001', '40P01', '23505'])
export const isRetryable = (err: unknown) => RETRYABLE.has((err as { code?: string })?.code ?? '') || isStalePlan(err)

export const MAX_TX_ATTEMPTS = 5
export const BEGIN_READ_WRITE = CompiledQuery.raw('start transaction read write')
export const COMMIT = CompiledQuery.raw('commit')
export const ROLLBACK = CompiledQuery.raw('rollback')
