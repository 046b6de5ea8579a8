import os from 'node:os'
import { writeTx } from '../../db/connection.js'
import { finishJobRun, jobRun, startJobRun } from '../../db/queries/jobs.js'
import { withTryLock } from '../../db/queries/locks.js'
import type { Deps } from './deps.js'

/** Which process ran a period: host and pid, so an operator can tell processes apart in job_runs. */
const RUNNER = `${os.hostname()}:${process.pid}`

/** The start of the period of length `periodMs` that `now` falls in (ISO text, UTC). */
export const periodStart = (now: Date, periodMs: number) =>
  new Date(Math.floor(now.getTime() / periodMs) * periodMs).toISOString()

export type OnceOutcome = 'ran' | 'done_already' | 'running_elsewhere'

/**
 * Runs a scheduled job for one period at most once across every process sharing the database.
 *
 * Each process ticks on the same schedule. The first to take the job's advisory lock (PostgreSQL; a
 * session lock, released when its connection ends, so a crashed process holds nothing) looks up
 * the period in job_runs: done, and it lets go; otherwise it records the start, runs the job and
 * records it done. The others find the lock taken and skip the tick, or take it later and find the
 * period done. A run cut short by a crash stays `running` and the next tick of that period or of
 * the next one (every job catches up) runs it again. On SQLite the lock is a formality (one
 * process), and the record makes a restart within a period not repeat finished work.
 */
export async function runOncePerPeriod(
  deps: Deps,
  job: string,
  period: string,
  run: () => Promise<unknown>,
): Promise<OnceOutcome> {
  const r = await withTryLock(deps.db, `job:${job}`, async (): Promise<OnceOutcome> => {
    if ((await jobRun(deps.db, job, period))?.state === 'done') return 'done_already'
    const now = () => deps.clock.now().toISOString()
    await writeTx(deps.db, (tx) => startJobRun(tx, { job, period, runner: RUNNER, now: now() }))
    await run()
    await writeTx(deps.db, (tx) => finishJobRun(tx, job, period, now()))
    return 'ran'
  })
  return r.ran ? r.value : 'running_elsewhere'
}
