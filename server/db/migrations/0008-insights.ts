import type { Kysely } from 'kysely'
import { isPostgres } from './dialect.js'

/*
 * Insights (issue 6, parts 1-2): the merchant's segment thresholds, and summaries derived from the
 * append-only ledger so the dashboard does not re-read millions of entries on every request.
 * They are refreshed from a watermark (insight_watermarks.through) when the dashboard is read; the
 * entries after the watermark are read live. Nothing is written on the earn path and no index is
 * added to the ledger (ledger_merchant_time serves the range reads).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A missing row means the defaults of server/domain/insights.ts (DEFAULT_THRESHOLDS).
  await db.schema
    .createTable('insight_settings')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    .addColumn('new_days', 'integer', (c) => c.notNull())
    .addColumn('lapsed_days', 'integer', (c) => c.notNull())
    // SQLite's real is 8 bytes; PostgreSQL's is 4 (1.5 would read back fine, 2.2 would not).
    .addColumn('at_risk_multiplier', isPostgres(db) ? 'double precision' : 'real', (c) => c.notNull())
    .addColumn('at_risk_min_days', 'integer', (c) => c.notNull())
    .addColumn('default_gap_days', 'integer', (c) => c.notNull())
    .addColumn('high_value_percent', 'integer', (c) => c.notNull())
    .addColumn('regular_visits', 'integer', (c) => c.notNull())
    /** What 100 points are worth in rewards (minor units), for the liability; null: not set. */
    .addColumn('point_value_per_100_minor', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  // Per card: its purchase days (local day numbers), purchases and spend per day, as parallel
  // comma-separated lists; gross of reversals made after the watermark (those are applied live).
  await db.schema
    .createTable('insight_members')
    .addColumn('card_id', 'text', (c) => c.primaryKey().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('days', 'text', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('spends', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('insight_members_merchant').on('insight_members').column('merchant_id').execute()
  // Points per UTC day and entry kind (earn, bonus, redeem, reversal), for the redemption rate.
  await db.schema
    .createTable('insight_points_days')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_points_days_pk', ['merchant_id', 'day', 'kind'])
    .execute()
  // The summaries hold every ledger entry with created_at <= through.
  await db.schema
    .createTable('insight_watermarks')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    .addColumn('through', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
