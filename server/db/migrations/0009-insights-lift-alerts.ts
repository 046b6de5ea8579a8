import type { Kysely } from 'kysely'

/*
 * Issue 6 (parts 3-5): campaign holdouts and their members, staff anomaly alerts with the merchant's
 * opening hours and the owner's alert devices. Exports need no table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One campaign per offer, and one per automation kind and merchant; holdout_pct is 0-50.
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    /** The offer id, or the automation kind (winback, birthday, ...). */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('holdout_pct', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('campaigns_source', ['merchant_id', 'kind', 'source'])
    .execute()

  // Who was in the target and who was held out, and when: the report is computed from these rows.
  await db.schema
    .createTable('campaign_members')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('grp', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    /** assigned_at + 30 days: the end of the member's measured window. */
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_members_pk', ['campaign_id', 'card_id'])
    .execute()

  await db.schema
    .createTable('merchant_opening_hours')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    /** JSON: seven entries, Monday first, each { open: 'HH:MM', close: 'HH:MM' } or null (closed). */
    .addColumn('hours', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  // One alert per rule, subject (staff or card) and window: alert_key makes the detector idempotent.
  await db.schema
    .createTable('staff_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('alert_key', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
    .addColumn('card_id', 'text', (c) => c.references('cards.id'))
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    /** JSON array of the ledger entry ids involved (at most 100). */
    .addColumn('entry_ids', 'text', (c) => c.notNull())
    /** open -> acknowledged | dismissed */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text', (c) => c.references('staff.id'))
    .addUniqueConstraint('staff_alerts_key', ['merchant_id', 'alert_key'])
    .execute()
  await db.schema
    .createIndex('staff_alerts_merchant_time')
    .on('staff_alerts')
    .columns(['merchant_id', 'window_start'])
    .execute()

  // How far the detector has read each merchant's ledger (it re-reads a margin before this).
  await db.schema
    .createTable('alert_scans')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    .addColumn('scanned_until', 'text', (c) => c.notNull())
    .execute()

  // Owners' and managers' devices that asked for alert pushes ("notify me on this device").
  await db.schema
    .createTable('staff_push_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('endpoint', 'text', (c) => c.notNull().unique())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('staff_push_subscriptions_merchant')
    .on('staff_push_subscriptions')
    .column('merchant_id')
    .execute()

  // The detector reads each staff member's awards by time.
  await db.schema.createIndex('ledger_staff_time').on('ledger_entries').columns(['staff_id', 'created_at']).execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
