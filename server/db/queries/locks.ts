import { CompiledQuery } from 'kysely'
import { backendOf, type Db } from '../connection.js'

/*
 * Advisory locks: PostgreSQL's named locks, for work that has no single row to hold. On SQLite
 * there is one process and writeTx holds the whole database, so they cost nothing and do nothing.
 * A key is hashed to PostgreSQL's 64-bit lock id; two keys sharing a hash only take turns.
 */

const TRY_LOCK = 'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok'
const UNLOCK = 'select pg_advisory_unlock(hashtextextended($1, 0))'
const UNLOCK_ALL = 'select pg_advisory_unlock_all()'

/**
 * The connection a process holds its advisory locks on: one for all of them, taken from the pool
 * when the first lock is wanted and given back when the last is let go. The work done under a lock
 * takes its own connections from the pool, so a lock must not cost a connection each: with one per
 * lock, as many jobs as the pool has connections could each hold one and wait for a second that
 * never comes (every scheduled job ticking at once, or dashboards of many merchants). `held` keeps
 * two tasks of this process from sharing a key: PostgreSQL would grant a session's own lock again.
 */
interface LockSession {
  conn: Promise<Db>
  users: number
  held: Set<string>
  /** A lock query failed: the connection is not to be trusted with more locks. */
  broken: boolean
  end(): void
}

const sessions = new WeakMap<Db, LockSession>()

function openSession(db: Db): LockSession {
  let end!: () => void
  const done = new Promise<void>((resolve) => (end = resolve))
  const session: LockSession = {
    users: 0,
    held: new Set(),
    broken: false,
    end,
    conn: new Promise<Db>((resolve, reject) => {
      db.connection()
        .execute(async (conn) => {
          resolve(conn)
          await done
          // Whatever a failed query may have left held goes with it, before the pool reuses the connection.
          if (session.broken) await conn.executeQuery(CompiledQuery.raw(UNLOCK_ALL)).catch(() => undefined)
        })
        .catch(reject)
    }),
  }
  session.conn.catch(() => retire(db, session))
  return session
}

function join(db: Db): LockSession {
  let s = sessions.get(db)
  if (!s) sessions.set(db, (s = openSession(db)))
  s.users++
  return s
}

/** New lockers get a new session; this one ends when its last user leaves. */
function retire(db: Db, s: LockSession): void {
  s.broken = true
  if (sessions.get(db) === s) sessions.delete(db)
}

async function unlock(db: Db, s: LockSession, conn: Db, key: string): Promise<void> {
  try {
    await conn.executeQuery(CompiledQuery.raw(UNLOCK, [key]))
  } catch (err) {
    retire(db, s)
    throw err
  } finally {
    s.held.delete(key)
  }
}

function leave(db: Db, s: LockSession): void {
  if (--s.users > 0) return
  if (sessions.get(db) === s) sessions.delete(db)
  s.end()
}

/**
 * Runs fn while this process holds `key` across transactions (a session lock, on the process's lock
 * connection, kept for the duration); `{ ran: false }` at once if another process, or another task
 * of this one, holds it. A process that dies loses its connection and with it its locks, so nothing
 * waits on a dead holder. fn does its work on other connections of the pool.
 */
export async function withTryLock<T>(
  db: Db,
  key: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (backendOf(db) !== 'postgres') return { ran: true, value: await fn() }
  const s = join(db)
  try {
    if (s.held.has(key)) return { ran: false }
    s.held.add(key)
    let conn: Db
    try {
      conn = await s.conn
      const { rows } = await conn.executeQuery<{ ok: boolean }>(CompiledQuery.raw(TRY_LOCK, [key]))
      if (!rows[0]?.ok) {
        s.held.delete(key)
        return { ran: false }
      }
    } catch (err) {
      s.held.delete(key)
      retire(db, s)
      throw err
    }
    try {
      return { ran: true, value: await fn() }
    } finally {
      await unlock(db, s, conn, key)
    }
  } finally {
    leave(db, s)
  }
}

/**
 * Runs fn while holding `key`, waiting for another process (or task) to let go of it first. The
 * wait polls instead of blocking in PostgreSQL, so a waiter holds nothing meanwhile.
 */
export async function withLock<T>(db: Db, key: string, fn: () => Promise<T>, pollMs = 50): Promise<T> {
  for (;;) {
    const r = await withTryLock(db, key, fn)
    if (r.ran) return r.value
    await new Promise((resolve) => setTimeout(resolve, pollMs * (0.5 + Math.random())))
  }
}
