import type { Tx } from '../connection.js'

/* Scheduled jobs' periods (job_runs) and the shared rate-limit counters (rate_limits). */

export const jobRun = (db: Tx, job: string, period: string) =>
  db.selectFrom('job_runs').selectAll().where('job', '=', job).where('period', '=', period).executeTakeFirst()

/** Marks the period started (again, after a crash: `starts` counts the tries). */
export const startJobRun = (tx: Tx, row: { job: string; period: string; runner: string; now: string }) =>
  tx
    .insertInto('job_runs')
    .values({
      job: row.job,
      period: row.period,
      runner: row.runner,
      state: 'running',
      starts: 1,
      started_at: row.now,
      finished_at: null,
    })
    .onConflict((oc) =>
      oc.columns(['job', 'period']).doUpdateSet((eb) => ({
        state: 'running',
        starts: eb('job_runs.starts', '+', 1),
        runner: row.runner,
        started_at: row.now,
      })),
    )
    .execute()

export const finishJobRun = (tx: Tx, job: string, period: string, now: string) =>
  tx
    .updateTable('job_runs')
    .set({ state: 'done', finished_at: now })
    .where('job', '=', job)
    .where('period', '=', period)
    .execute()

export const deleteJobRunsBefore = (tx: Tx, before: string) =>
  tx.deleteFrom('job_runs').where('started_at', '<', before).execute()

/**
 * Counts a hit on `key` in the fixed window that starts at `windowStart`, and returns the count: one
 * statement, so hits from every process add up (the row is held to the commit on PostgreSQL). A hit
 * in a newer window starts the count again.
 */
export async function countHit(
  tx: Tx,
  key: string,
  windowStart: string,
): Promise<{ hits: number; window_start: string }> {
  const row = await tx
    .insertInto('rate_limits')
    .values({ key, window_start: windowStart, hits: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        hits: eb
          .case()
          .when('rate_limits.window_start', '=', windowStart)
          .then(eb('rate_limits.hits', '+', 1))
          .else(1)
          .end(),
        window_start: windowStart,
      })),
    )
    .returning(['hits', 'window_start'])
    .executeTakeFirstOrThrow()
  return row
}

export const uncountHit = (tx: Tx, key: string, windowStart: string) =>
  tx
    .updateTable('rate_limits')
    .set((eb) => ({ hits: eb('hits', '-', 1) }))
    .where('key', '=', key)
    .where('window_start', '=', windowStart)
    .where('hits', '>', 0)
    .execute()

export const deleteRateLimitsBefore = (tx: Tx, before: string) =>
  tx.deleteFrom('rate_limits').where('window_start', '<', before).execute()
