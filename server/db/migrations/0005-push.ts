import type { Kysely } from 'kysely'

/* Web Push: devices, member switches, merchant settings, the outbox and its attempts, automation keys, offers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per device (browser push endpoint); it belongs to the wallet (customer) on that device.
  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_success_at', 'text')
    .execute()
  await db.schema.createIndex('push_subscriptions_customer').on('push_subscriptions').column('customer_id').execute()

  // Per member per merchant (per card); a missing row means every category is on.
  await db.schema
    .createTable('push_preferences')
    .addColumn('card_id', 'text', (c) => c.primaryKey().references('cards.id'))
    .addColumn('offers', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('birthday', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('expiring', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('tiers', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('reminders', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  // A merchant's push settings; a missing row means the defaults (see server/domain/push-rules.ts).
  await db.schema
    .createTable('push_settings')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    .addColumn('quiet_start', 'text', (c) => c.notNull())
    .addColumn('quiet_end', 'text', (c) => c.notNull())
    .addColumn('daily_cap', 'integer', (c) => c.notNull())
    /** JSON: { [kind]: { enabled, title, body, days?, withCoupon? } } */
    .addColumn('automations', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  // One notification to one member; it fans out to their devices in push_outbox.
  await db.schema
    .createTable('push_notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('marketing', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    /** The member's local date (merchant time) it is sent on: the frequency cap counts per day. */
    .addColumn('local_day', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('clicked_at', 'text')
    .execute()
  await db.schema
    .createIndex('push_notifications_card_day')
    .on('push_notifications')
    .columns(['card_id', 'local_day'])
    .execute()
  await db.schema
    .createIndex('push_notifications_merchant_time')
    .on('push_notifications')
    .columns(['merchant_id', 'created_at'])
    .execute()

  // queued -> sending -> sent | failed; a retry puts a row back to queued with a later not_before.
  await db.schema
    .createTable('push_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.notNull().references('push_notifications.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    /** Null once the subscription is gone (404/410 or removed by the member). */
    .addColumn('subscription_id', 'text', (c) => c.references('push_subscriptions.id').onDelete('set null'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ttl', 'integer', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('push_outbox_due').on('push_outbox').columns(['state', 'not_before']).execute()
  await db.schema.createIndex('push_outbox_notification').on('push_outbox').column('notification_id').execute()

  // Every HTTP attempt with its status (0: no answer).
  await db.schema
    .createTable('push_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('outbox_id', 'text', (c) => c.notNull().references('push_outbox.id'))
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('push_attempts_outbox').on('push_attempts').column('outbox_id').execute()

  // Makes each automation idempotent per member, kind and period (birthday:2026, winback:<last visit>, ...).
  await db.schema
    .createTable('push_automation_runs')
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('notification_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('push_automation_runs_pk', ['card_id', 'kind', 'period'])
    .execute()

  await db.schema
    .createTable('push_offers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('segment', 'text', (c) => c.notNull())
    /** scheduled -> sending -> sent */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('send_at', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer')
    .addColumn('created_by', 'text', (c) => c.references('staff.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute()
  await db.schema.createIndex('push_offers_due').on('push_offers').columns(['state', 'send_at']).execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
