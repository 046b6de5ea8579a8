import { Worker } from 'node:worker_threads'
import type { Config } from '../config.js'
import type { WriteLock } from '../db/write-lock.js'
import { DomainError, type ErrorCode } from '../domain/errors.js'
import { earnFromPos } from './award-points.js'
import type { Actor, Deps } from './deps.js'

/**
 * The POS API's earns run on a second thread.
 *
 * One Node thread does everything for a request: parse HTTP, route, validate, authenticate, run
 * the SQL, write the answer. At the till's pace that is nothing, but a POS integration can send
 * earns as fast as the server takes them, and then the one thread is the limit while the
 * machine's other cores idle. So the request thread keeps the HTTP side (parse, validate, API key)
 * and hands the earn itself (idempotency record, card, program rules, ledger entry, balance, push)
 * to this thread, which has its own connection and its own group commit (db/connection.ts).
 * The use case is the same function, `earnFromPos`, with the same rules and the same
 * transaction; only the thread differs. Both threads' write transactions take turns through a
 * lock in shared memory (db/write-lock.ts), so neither ever sleeps in SQLite's busy handler.
 *
 * `now` travels with the request: the request thread's clock decides the time, as it does for
 * every other use case (tests set it). If the thread dies, calls in flight fail (the POS retries
 * with its Idempotency-Key, which is what the key is for) and later earns run on the request thread.
 */
export interface LedgerThread {
  /** False once the thread has stopped or failed. */
  readonly running: boolean
  /** Earns the thread has answered (done or refused) since it started. */
  readonly answered: number
  earnFromPos(actor: Actor, req: EarnRequest, key: string, now: Date): Promise<EarnOutcome>
  close(): Promise<void>
}

/** The POS earn: on the ledger thread when the server runs one, else here (tests, or after a failure). */
export function posEarn(deps: Deps, actor: Actor, req: EarnRequest, key: string): Promise<EarnOutcome> {
  const thread = deps.ledgerThread
  return thread?.running ? thread.earnFromPos(actor, req, key, deps.clock.now()) : earnFromPos(deps, actor, req, key)
}

type EarnRequest = Parameters<typeof earnFromPos>[2]
type EarnOutcome = Awaited<ReturnType<typeof earnFromPos>>

export interface LedgerThreadData {
  config: Config
  lock: SharedArrayBuffer
  checkpointsElsewhere: boolean
  entry: string
}

export interface LedgerRequest {
  id: number
  actor: Actor
  req: EarnRequest
  key: string
  now: string
}

export type LedgerReply =
  | { id: number; ok: true; value: EarnOutcome }
  | {
      id: number
      ok: false
      error: { domain: true; code: ErrorCode; message: string; details?: unknown } | { domain: false; message: string }
    }

export async function startLedgerThread(
  config: Config,
  lock: WriteLock,
  opts: { checkpointsElsewhere: boolean },
): Promise<LedgerThread> {
  const data: LedgerThreadData = {
    config,
    lock: lock.buffer,
    checkpointsElsewhere: opts.checkpointsElsewhere,
    entry: new URL('./ledger-thread-worker.ts', import.meta.url).href,
  }
  const worker = new Worker(new URL('./ledger-thread-boot.mjs', import.meta.url), { workerData: data })
  const pending = new Map<number, { resolve: (v: EarnOutcome) => void; reject: (e: unknown) => void }>()
  let nextId = 1
  let alive = true
  let answered = 0
  let closing: Promise<void> | null = null

  await new Promise<void>((resolve, reject) => {
    // An error thrown in the thread arrives cloned, sometimes as a plain object ({ code: 'SQLITE_CANTOPEN' }).
    const onError = (err: unknown) =>
      reject(err instanceof Error ? err : new Error(`The ledger thread failed to start: ${JSON.stringify(err)}`))
    const onExit = (code: number) => reject(new Error(`The ledger thread stopped while starting (exit code ${code}).`))
    worker.once('error', onError)
    worker.once('exit', onExit)
    worker.once('message', (m) => {
      worker.off('error', onError)
      worker.off('exit', onExit)
      if (m === 'ready') resolve()
      else reject(new Error(`The ledger thread said ${JSON.stringify(m)} instead of ready.`))
    })
  })

  const failAll = (why: string) => {
    alive = false
    for (const p of pending.values()) p.reject(new Error(why))
    pending.clear()
  }
  worker.on('message', (replies: LedgerReply[]) => {
    for (const r of replies) {
      const p = pending.get(r.id)
      if (!p) continue
      pending.delete(r.id)
      answered++
      if (r.ok) p.resolve(r.value)
      else if (r.error.domain) p.reject(new DomainError(r.error.code, r.error.message, r.error.details))
      else p.reject(new Error(`Ledger thread: ${r.error.message}`))
    }
  })
  worker.on('error', (err) => {
    console.error('The ledger thread failed; POS earns now run on the request thread.', err)
    failAll('The ledger thread failed before answering.')
  })
  const workerThreadId = worker.threadId
  worker.on('exit', () => {
    // A thread that died mid-transaction took its connection (and SQLite's lock) with it; give back ours too.
    if (lock.releaseHeldBy(workerThreadId))
      console.error('The ledger thread stopped while writing; its transaction was not committed.')
    failAll('The ledger thread stopped before answering.')
  })

  return {
    get running() {
      // Once closing, new earns run on the request thread; those already handed over are answered here.
      return alive && closing === null
    },
    get answered() {
      return answered
    },
    earnFromPos(actor, req, key, now) {
      if (!alive || closing) return Promise.reject(new Error('The ledger thread is not running.'))
      return new Promise<EarnOutcome>((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve, reject })
        // At once, not gathered per turn: the thread starts on it while this one parses the next request.
        worker.postMessage({ id, actor, req, key, now: now.toISOString() } satisfies LedgerRequest)
      })
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (!alive) return resolve()
        worker.once('exit', () => resolve())
        // Requests already handed over are answered first: the thread reads this message after them.
        worker.postMessage('close')
      })
      return closing
    },
  }
}
