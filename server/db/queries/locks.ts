import { CompiledQuery } from 'kysely'
import { backendOf, type Db } from '../connection.js'

/*
 * Advisory locks: PostgreSQL's named locks, for work that has no single row to hold. On SQLite
 * there is one process and writeTx holds the whole database, so they cost nothing and do nothing.
 * A key is hashed to PostgreSQL's 64-bit lock id; two keys sharing a hash only take turns.
 */

const TRY_LOCK = 'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok'
const UNLOCK = 'select pg_advisory_unlock(hashtextextended($1, 0))'

/**
 * Runs fn while this process holds `key` across transactions (a session lock on one connection of
 * the pool, kept for the duration); `{ ran: false }` at once if another process holds it. A process
 * that dies loses its connection and with it the lock, so nothing waits on a dead holder.
 */
export async function withTryLock<T>(
  db: Db,
  key: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (backendOf(db) !== 'postgres') return { ran: true, value: await fn() }
  return db.connection().execute(async (conn) => {
    const { rows } = await conn.executeQuery<{ ok: boolean }>(CompiledQuery.raw(TRY_LOCK, [key]))
    if (!rows[0]?.ok) return { ran: false as const }
    try {
      return { ran: true as const, value: await fn() }
    } finally {
      await conn.executeQuery(CompiledQuery.raw(UNLOCK, [key]))
    }
  })
}

/**
 * Runs fn while holding `key`, waiting for another process to let go of it first. The wait polls
 * instead of blocking in PostgreSQL, so a waiter holds no connection of the pool meanwhile (a
 * blocked waiter per connection could leave the holder none to work with).
 */
export async function withLock<T>(db: Db, key: string, fn: () => Promise<T>, pollMs = 50): Promise<T> {
  for (;;) {
    const r = await withTryLock(db, key, fn)
    if (r.ran) return r.value
    await new Promise((resolve) => setTimeout(resolve, pollMs * (0.5 + Math.random())))
  }
}
