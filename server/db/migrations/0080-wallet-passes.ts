import type { Kysely } from 'kysely'

/**
 * Apple Wallet and Google Wallet passes (issue 22, docs/wallet-passes.md).
 *
 * - `wallet_passes`: one per card and kind. Apple's carries the hash of its web-service token and of
 *   its static member code (kept readable: it only lets staff find the card and award, and the pass is
 *   drawn again from it); Google's the id of its loyalty object. `updated_at` moves whenever what
 *   the pass shows changes (balance, tier, brand): Apple's "updated since" and If-Modified-Since.
 * - `wallet_registrations`: the Apple devices that registered a pass for updates (their push token).
 * - `wallet_outbox`: APNs pushes and Google PATCHes, queued in the transaction that changed the pass
 *   and claimed under a lease like push_outbox, so they survive restarts and go out once.
 * - `scan_handles.award_only`: a handle opened by an Apple pass's static code awards points but
 *   never redeems.
 * - `locations.latitude`/`longitude`: where a location is, for the pass's lock-screen relevance.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wallet_passes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('auth_token_hash', 'text')
    .addColumn('member_code', 'text')
    .addColumn('google_object_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_status', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_sent_at', 'text')
    .execute()
  await db.schema
    .createIndex('wallet_passes_card_kind')
    .on('wallet_passes')
    .columns(['card_id', 'kind'])
    .unique()
    .execute()
  await db.schema.createIndex('wallet_passes_merchant').on('wallet_passes').columns(['merchant_id', 'kind']).execute()
  await db.schema.createIndex('wallet_passes_member_code').on('wallet_passes').column('member_code').unique().execute()

  await db.schema
    .createTable('wallet_registrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pass_id', 'text', (c) => c.notNull().references('wallet_passes.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('device_library_id', 'text', (c) => c.notNull())
    .addColumn('push_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('wallet_registrations_pass_device')
    .on('wallet_registrations')
    .columns(['pass_id', 'device_library_id'])
    .unique()
    .execute()
  await db.schema
    .createIndex('wallet_registrations_device')
    .on('wallet_registrations')
    .column('device_library_id')
    .execute()

  await db.schema
    .createTable('wallet_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('pass_id', 'text', (c) => c.notNull().references('wallet_passes.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('registration_id', 'text', (c) => c.references('wallet_registrations.id').onDelete('set null'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_at', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('wallet_outbox_due').on('wallet_outbox').columns(['state', 'not_before']).execute()
  await db.schema.createIndex('wallet_outbox_pass').on('wallet_outbox').columns(['pass_id', 'state']).execute()

  await db.schema.alterTable('locations').addColumn('latitude', 'real').execute()
  await db.schema.alterTable('locations').addColumn('longitude', 'real').execute()
  await db.schema
    .alterTable('scan_handles')
    .addColumn('award_only', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
