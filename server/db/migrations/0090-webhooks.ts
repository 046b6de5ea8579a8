import type { Kysely } from 'kysely'

/*
 * Signed webhooks (issue 23): a business's endpoints, the events its books cause (an outbox written in
 * the causing transaction), one delivery per event and endpoint, and each attempt. Rules in
 * server/domain/webhook-rules.ts and docs/webhooks.md. Text and integer columns only: the same file
 * runs on SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    /** JSON array of event types (server/contract/webhooks.ts WebhookEventType). */
    .addColumn('events', 'text', (c) => c.notNull())
    /** whsec_…: kept as is, since signing needs it (as the VAPID private key is kept). */
    .addColumn('secret', 'text', (c) => c.notNull())
    /** The secret before the last rotation, which also signs until previous_secret_until. */
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_until', 'text')
    /** active | disabled */
    .addColumn('state', 'text', (c) => c.notNull())
    /** gone (the receiver answered 410) | failing (no success for days) | owner */
    .addColumn('disabled_reason', 'text')
    .addColumn('disabled_detail', 'text')
    .addColumn('disabled_at', 'text')
    /** The first failure since the last success; null while it succeeds. */
    .addColumn('failing_since', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('webhook_endpoints_merchant').on('webhook_endpoints').column('merchant_id').execute()

  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    /** The request body exactly as signed and sent, every time. */
    .addColumn('payload', 'text', (c) => c.notNull())
    /** For events found by a job (points.expiring): the key that writes each once. */
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_events_dedupe')
    .on('webhook_events')
    .columns(['merchant_id', 'dedupe_key'])
    .unique()
    .execute()
  await db.schema
    .createIndex('webhook_events_merchant')
    .on('webhook_events')
    .columns(['merchant_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id'))
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    /** queued | sending | delivered | failed */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_duration_ms', 'integer')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['state', 'not_before'])
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_endpoint')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').column('delivery_id').execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
