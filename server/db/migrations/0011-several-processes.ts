import type { Kysely } from 'kysely'

/**
 * Several server processes on one database (PostgreSQL):
 * - a push outbox row being sent carries a lease (`claimed_until`): recovery fails only rows whose
 *   lease ran out, never one that another live process is sending;
 * - scheduled jobs record each period they ran (`job_runs`), so a period is run once however many
 *   processes tick;
 * - rate limits count in the database (`rate_limits`, one fixed window per key), shared by all.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('push_outbox').addColumn('claimed_until', 'text').execute()

  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    /** The start of the period (ISO time), e.g. the hour of an hourly job. */
    .addColumn('period', 'text', (c) => c.notNull())
    /** running -> done; a run left `running` by a process that died is run again by the next tick. */
    .addColumn('state', 'text', (c) => c.notNull())
    /** How many times the period was started (more than 1 only after a crash mid-run). */
    .addColumn('starts', 'integer', (c) => c.notNull())
    /** Which process ran it (host:pid). */
    .addColumn('runner', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'period'])
    .execute()

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
