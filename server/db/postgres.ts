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
 * Every connection starts read-only (default_transaction_read_only): reads run anywhere, and a
 * statement that writes fails unless writeTx opened its transaction READ WRITE. That is the same
 * guarantee the SQLite handle gives, so a stray write fails in tests on either backend. The error
 * is turned into the same WriteOutsideTxError.
 */
function guardedPool(pool: pg.Pool): PostgresPool {
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((sqlText: unknown, parameters?: ReadonlyArray<unknown>) => {
      if (typeof sqlText !== 'string') return client.query(sqlText as never)
      return client.query(sqlText, parameters as unknown[]).catch((err: unknown) => {
        if ((err as { code?: string }).code === READ_ONLY_SQL_TRANSACTION) throw new WriteOutsideTxError(sqlText)
        throw err
      })
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
 * deadlock (PostgreSQL aborted it), and a unique key another transaction committed meanwhile (run
 * again, the use case sees that row, as it would have one after the other on SQLite: a duplicate
 * idempotency key replays, a second join finds the card).
 */
const RETRYABLE = new Set(['40001', '40P01', '23505'])
export const isRetryable = (err: unknown) => RETRYABLE.has((err as { code?: string })?.code ?? '')

export const MAX_TX_ATTEMPTS = 5
export const BEGIN_READ_WRITE = CompiledQuery.raw('start transaction read write')
export const COMMIT = CompiledQuery.raw('commit')
export const ROLLBACK = CompiledQuery.raw('rollback')
