import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, sql, type Transaction } from 'kysely'
import { migrations } from './migrations/index.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>
export type Tx = Transaction<Database> | Kysely<Database>

export interface OpenedDb {
  db: Db
  /** The raw handle, for the pragmas and the benchmark baseline only; queries go through Kysely. */
  sqlite: BetterSqlite3.Database
  close(): Promise<void>
}

const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running a small
 * query. Queries are parameterised, so the SQL text repeats and its statement can be reused
 * (better-sqlite3 statements are reusable once a call has returned, and calls are synchronous).
 */
function withStatementCache(sqlite: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(source: string) {
      let stmt = cache.get(source)
      if (!stmt) {
        stmt = sqlite.prepare(source)
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
        cache.set(source, stmt)
      }
      return stmt
    },
  }
}

export function openDb(file: string): OpenedDb {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const sqlite = new BetterSqlite3(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Deleted members' data must not linger in free pages of the file.
  sqlite.pragma('secure_delete = ON')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
  return {
    db,
    sqlite,
    async close() {
      await db.destroy()
    },
  }
}

export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/**
 * Runs fn in a write transaction that takes the write lock up front (BEGIN IMMEDIATE), so two
 * processes never deadlock upgrading a read lock. Kysely's SQLite driver holds one connection,
 * so transactions inside this process are serialised as well.
 */
export async function writeTx<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn)
    try {
      const result = await fn(conn)
      await sql`commit`.execute(conn)
      return result
    } catch (err) {
      await sql`rollback`.execute(conn)
      throw err
    }
  })
}
