import { writeTx, type Tx } from '../../db/connection.js'
import { countHit, deleteJobRunsBefore, deleteRateLimitsBefore, uncountHit } from '../../db/queries/jobs.js'
import type { Deps } from './deps.js'

/**
 * Rate-limit counters in the database, so every server process counts the same hits: fixed windows
 * of `windowMs`, one row per key. A hit is one small write (group-committed on SQLite).
 */
export async function hit(deps: Deps, key: string, windowMs: number): Promise<{ hits: number; resetAt: Date }> {
  const start = Math.floor(deps.clock.now().getTime() / windowMs) * windowMs
  const r = await writeTx(deps.db, (tx) => countHit(tx, key, new Date(start).toISOString()))
  return { hits: Number(r.hits), resetAt: new Date(Date.parse(r.window_start) + windowMs) }
}

/**
 * A hit counted inside the caller's write transaction, for a limit on a use case (sign-ups per
 * address, mails per account): a refused or failed attempt rolls its hit back with everything else.
 * Returns the hits in the window so far, this one included.
 */
export async function hitInTx(tx: Tx, now: Date, key: string, windowMs: number): Promise<number> {
  const start = Math.floor(now.getTime() / windowMs) * windowMs
  return Number((await countHit(tx, key, new Date(start).toISOString())).hits)
}

/** Takes a hit back (a limiter told to skip successful requests does). */
export async function unhit(deps: Deps, key: string, windowMs: number): Promise<void> {
  const start = Math.floor(deps.clock.now().getTime() / windowMs) * windowMs
  await writeTx(deps.db, (tx) => uncountHit(tx, key, new Date(start).toISOString()))
}

const JOB_RUNS_KEPT_MS = 7 * 24 * 3600_000
const RATE_WINDOWS_KEPT_MS = 3600_000

/** Drops counters of windows long past and job records older than a week. */
export async function purgeRunRecords(deps: Deps): Promise<void> {
  const now = deps.clock.now().getTime()
  await writeTx(deps.db, async (tx) => {
    await deleteRateLimitsBefore(tx, new Date(now - RATE_WINDOWS_KEPT_MS).toISOString())
    await deleteJobRunsBefore(tx, new Date(now - JOB_RUNS_KEPT_MS).toISOString())
  })
}
