import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  SelectQueryNode,
  SqliteDialect,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely'
import { startCheckpointer, type Checkpointer } from './checkpointer.js'
import { WriteOutsideTxError } from './errors.js'
import type { Database } from './schema.js'

type Db = Kysely<Database>

const STATEMENT_CACHE_SIZE = 500

/**
 * The handle Kysely's SQLite driver is given. Two jobs:
 * - Statements are reused: Kysely prepares every query anew, preparing costs more than running a
 *   small query, and parameterised SQL text repeats (a better-sqlite3 statement is reusable once a
 *   call has returned, and calls are synchronous).
 * - A statement that writes is refused unless writeTx (or the migrator) has opened the gate. One
 *   connection, one thread: while writeTx holds the connection nothing else runs on it, so the gate
 *   is open exactly for the statements of its transaction.
 */
function guardedHandle(sqlite: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>()
  const handle = {
    writesAllowed: false,
    inTransaction: () => sqlite.inTransaction,
    close: () => sqlite.close(),
    prepare(source: string) {
      let stmt = cache.get(source)
      if (!stmt) {
        stmt = sqlite.prepare(source)
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
        cache.set(source, stmt)
      }
      if (!stmt.readonly && !handle.writesAllowed) throw new WriteOutsideTxError(source)
      return stmt
    },
  }
  return handle
}

/**
 * Row locks (`FOR UPDATE`, `SKIP LOCKED`) are PostgreSQL's way to make concurrent writers take
 * turns over a row. SQLite has no such clause and needs none: writeTx holds the whole database's
 * write lock (BEGIN IMMEDIATE) for the transaction. So queries are written once, with the lock, and
 * on SQLite the clause is dropped here.
 */
const LOCKS = new Set(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare', 'NoWait', 'SkipLocked'])
class DropRowLocks implements KyselyPlugin {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (!SelectQueryNode.is(node) || !node.endModifiers?.length) return node
    const endModifiers = node.endModifiers.filter((m) => !(m.modifier && LOCKS.has(m.modifier)))
    return { ...node, endModifiers: endModifiers.length ? endModifiers : undefined } as SelectQueryNode
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result
  }
}

export interface SqliteOptions {
  /** Checkpoint the WAL from a worker thread instead of inside request commits (the server does; tests need not). */
  backgroundCheckpoints?: boolean
  /** Most writeTx jobs one commit carries (64); 1 turns group commit off (the earn bench compares the two). */
  maxBatch?: number
}

const handles = new WeakMap<Db, ReturnType<typeof guardedHandle>>()
const maxBatches = new WeakMap<Db, number>()

export function openSqlite(
  file: string,
  opts: SqliteOptions = {},
): { db: Db; sqlite: BetterSqlite3.Database; close(): Promise<void> } {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const sqlite = new BetterSqlite3(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('cache_size = -65536')
  // Deleted members' data must not linger in free pages of the file.
  sqlite.pragma('secure_delete = ON')
  const handle = guardedHandle(sqlite)
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }), plugins: [new DropRowLocks()] })
  handles.set(db, handle)
  if (opts.maxBatch) maxBatches.set(db, opts.maxBatch)
  const checkpointer: Checkpointer | null = opts.backgroundCheckpoints ? startCheckpointer(sqlite, file) : null
  return {
    db,
    sqlite,
    async close() {
      await checkpointer?.stop()
      await db.destroy()
    },
  }
}

/**
 * The reusable statement for `source` when a read may run on db's connection at once: db is the
 * database itself (not a transaction's handle) and no transaction is open on the connection, so what
 * the statement reads is what is committed, as it would be after waiting its turn. Otherwise null
 * (the read waits for the connection through Kysely). Only statements that read are given out.
 */
export function idleReader(db: Db, source: string): BetterSqlite3.Statement | null {
  const handle = handles.get(db)
  if (!handle || handle.inTransaction()) return null
  const stmt = handle.prepare(source)
  return stmt.reader ? stmt : null
}

/** Runs fn with writes allowed on db's connection (writeTx's batches and the migrator). */
export async function withSqliteWrites<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  const handle = handles.get(db)
  if (!handle) return fn()
  handle.writesAllowed = true
  try {
    return await fn()
  } finally {
    handle.writesAllowed = false
  }
}

interface WriteJob {
  fn: (tx: Db) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

/** Most jobs one commit carries; a batch this size still commits in well under a millisecond of I/O. */
const MAX_BATCH = 64
const BEGIN = CompiledQuery.raw('begin immediate')
const COMMIT = CompiledQuery.raw('commit')
const ROLLBACK = CompiledQuery.raw('rollback')
const SAVEPOINT = CompiledQuery.raw('savepoint job')
const RELEASE = CompiledQuery.raw('release job')
const ROLLBACK_JOB = CompiledQuery.raw('rollback to job')

const queues = new WeakMap<Db, { jobs: WriteJob[]; draining: boolean }>()

/**
 * writeTx on SQLite, with group commit: writes that arrive while another is running wait in a
 * queue, and the next batch of them runs in one transaction (BEGIN IMMEDIATE: the write lock up
 * front, so two processes never deadlock upgrading a read lock), each job inside its own SAVEPOINT.
 * A job that throws rolls back to its savepoint, so it changes nothing and its caller gets the
 * error; the others go on. The one COMMIT at the end makes all of them durable together, and only
 * then does any caller get its answer: nothing is acknowledged before it is committed, and if the
 * commit fails every job of the batch fails. Jobs run one after another on the one connection, so
 * each sees the writes of those before it (two requests with the same idempotency key in one
 * batch: the second replays the first). A commit costs far more than a small job, so under load
 * this multiplies what one process can write.
 */
export function sqliteWriteTx<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let queue = queues.get(db)
    if (!queue) {
      queue = { jobs: [], draining: false }
      queues.set(db, queue)
    }
    queue.jobs.push({ fn, resolve: resolve as (v: unknown) => void, reject })
    if (!queue.draining) {
      queue.draining = true
      // One turn of the event loop first, so requests already on their way (reading what they need
      // before they write) join this batch instead of waiting for the next.
      setImmediate(() => void drain(db, queue))
    }
  })
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

async function drain(db: Db, queue: { jobs: WriteJob[]; draining: boolean }): Promise<void> {
  try {
    for (let first = true; queue.jobs.length > 0; first = false) {
      if (!first) await nextTurn()
      const batch = queue.jobs.splice(0, maxBatches.get(db) ?? MAX_BATCH)
      try {
        answer(batch, await runJobs(db, batch))
      } catch (err) {
        for (const job of batch) job.reject(err)
      }
    }
  } finally {
    queue.draining = false
  }
}

type Done = { ok: boolean; value: unknown }

const answer = (batch: WriteJob[], outcomes: Done[]) =>
  outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.value) : batch[i]!.reject(o.value)))

function runJobs(db: Db, batch: WriteJob[]): Promise<Done[]> {
  return db.connection().execute((conn) => withSqliteWrites(db, () => runInTransaction(conn, batch)))
}

async function runInTransaction(conn: Db, batch: WriteJob[]): Promise<Done[]> {
  await conn.executeQuery(BEGIN)
  const done: Done[] = []
  try {
    for (const job of batch) {
      await conn.executeQuery(SAVEPOINT)
      try {
        const value = await job.fn(conn)
        await conn.executeQuery(RELEASE)
        done.push({ ok: true, value })
      } catch (err) {
        await conn.executeQuery(ROLLBACK_JOB)
        await conn.executeQuery(RELEASE)
        done.push({ ok: false, value: err })
      }
    }
    await conn.executeQuery(COMMIT)
  } catch (err) {
    // A failed savepoint or commit: nothing of this batch is kept, and every job of it fails.
    await conn.executeQuery(ROLLBACK).catch(() => undefined)
    throw err
  }
  return done
}
