import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'

/**
 * Moves WAL checkpoints off the request thread.
 *
 * By default SQLite checkpoints inside whichever COMMIT pushes the WAL past 1000 pages, so one
 * request in a few hundred pays for copying the log into the database file (and its fsyncs).
 * SQLite's documentation suggests the alternative used here: turn automatic checkpoints off on the
 * connection that serves requests and let a second connection in its own thread run
 * `wal_checkpoint(PASSIVE)` every `intervalMs`. PASSIVE never blocks writers or readers; once the
 * whole log is in the database file the next writer starts the WAL from its beginning again, so it
 * does not grow without bound. Committed data is in the WAL either way: durability is unchanged.
 */
export interface Checkpointer {
  stop(): Promise<void>
}

/** The worker's whole program; CommonJS because eval'd workers are. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 5000')
const run = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ type: 'checkpoint', busy: r.busy, log: r.log, checkpointed: r.checkpointed })
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String(err && err.message || err) })
  }
}
const timer = setInterval(run, workerData.intervalMs)
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer)
    run()
    db.close()
    parentPort.close()
  }
})
`

export interface CheckpointStats {
  /** WAL frames in the log and how many of them are now in the database file. */
  log: number
  checkpointed: number
}

export function startCheckpointer(
  sqlite: BetterSqlite3.Database,
  file: string,
  opts: { intervalMs?: number; onCheckpoint?: (s: CheckpointStats) => void } = {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: opts.intervalMs ?? 1000 },
  })
  worker.unref()
  sqlite.pragma('wal_autocheckpoint = 0')
  let failed = false
  const fallBack = (why: string) => {
    if (failed) return
    failed = true
    // Without the worker, the request connection checkpoints as SQLite does by default.
    sqlite.pragma('wal_autocheckpoint = 1000')
    console.error(`Background checkpoints stopped (${why}); checkpointing on commit instead.`)
  }
  worker.on('message', (m: { type: string; message?: string } & CheckpointStats) => {
    if (m.type === 'checkpoint') opts.onCheckpoint?.({ log: m.log, checkpointed: m.checkpointed })
    else fallBack(m.message ?? 'unknown error')
  })
  worker.on('error', (err) => fallBack(err.message))
  return {
    async stop() {
      if (failed) return
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
      worker.ref() // so the process waits for the last checkpoint
      worker.postMessage('stop')
      await exited
      failed = true
      sqlite.pragma('wal_autocheckpoint = 1000')
    },
  }
}
