/**
 * The ledger thread's program (started by ledger-thread.ts): its own connection to the database,
 * its own group-commit queue, and the POS earn use case, the same code the request thread would run.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Config } from '../config.js'
import { openDb } from '../db/connection.js'
import { WriteLock } from '../db/write-lock.js'
import { DomainError } from '../domain/errors.js'
import { earnFromPos } from './award-points.js'
import type { Deps } from './deps.js'
import type { LedgerReply, LedgerRequest, LedgerThreadData } from './ledger-thread.js'

const data = workerData as LedgerThreadData
const port = parentPort!
// memoryTemp: each earn of a batch runs in its own SAVEPOINT, and a batch's statement journal soon
// passes the 64 KiB after which SQLite writes it to a file: 4.3 more pwrites per earn (strace), on
// a VM where a syscall costs ~1 us. In memory: 25-80 us less CPU per earn in batches of 16 (system
// time 48-57 -> 30-42 us). Durability is the same: that journal only serves rollbacks inside a
// transaction still open.
const opened = openDb(data.config.dbFile, { writeLock: new WriteLock(data.lock), memoryTemp: true })
// The request thread's checkpointer (a third connection) copies the log into the database file.
if (data.checkpointsElsewhere) opened.sqlite.pragma('wal_autocheckpoint = 0')

const depsAt = (now: string): Deps => ({
  db: opened.db,
  clock: { now: () => new Date(now) },
  config: data.config as Config,
  setupToken: null,
})

// Answers go back in one message per turn of the event loop: a group commit settles many at once.
let outbox: LedgerReply[] = []
const flush = () => {
  port.postMessage(outbox)
  outbox = []
}
const reply = (r: LedgerReply) => {
  if (outbox.push(r) === 1) setImmediate(flush)
}

async function run(m: LedgerRequest): Promise<void> {
  try {
    const value = await earnFromPos(depsAt(m.now), m.actor, m.req, m.key)
    reply({ id: m.id, ok: true, value })
  } catch (err) {
    reply({
      id: m.id,
      ok: false,
      error:
        err instanceof DomainError
          ? { domain: true, code: err.code, message: err.message, details: err.details }
          : { domain: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) },
    })
  }
}

const inflight = new Set<Promise<void>>()
port.on('message', (m: LedgerRequest | 'close') => {
  if (m === 'close') {
    // Everything handed over before 'close' is finished and answered before the connection closes.
    void Promise.all(inflight).then(async () => {
      if (outbox.length) flush()
      await opened.close()
      port.close()
    })
    return
  }
  const p = run(m)
  inflight.add(p)
  void p.finally(() => inflight.delete(p))
})
port.postMessage('ready')
