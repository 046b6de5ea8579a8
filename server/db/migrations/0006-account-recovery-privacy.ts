import type { Kysely } from 'kysely'

/**
 * Passkeys, sign-in links by email, wallet merging (closed cards, merged customers), account
 * deletion and the marketing consent log. Append-only: never edit once shipped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute()
  await db.schema.createIndex('passkeys_customer').on('passkeys').column('customer_id').execute()

  /** WebAuthn challenges live here until one atomic DELETE consumes them. */
  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('challenge', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('sign_in_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()

  /** Every request for a link, known email or not, keyed by a hash of the email: the rate limit. */
  await db.schema
    .createTable('sign_in_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('sign_in_requests_email')
    .on('sign_in_requests')
    .columns(['email_hash', 'created_at'])
    .execute()

  await db.schema
    .createTable('consent_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('granted', 'integer', (c) => c.notNull())
    .addColumn('wording', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('consent_events_card').on('consent_events').columns(['card_id', 'created_at']).execute()

  /** A card merged into another (or of a deleted member) is closed, never deleted: its ledger stays. */
  await db.schema.alterTable('cards').addColumn('closed_at', 'text').execute()
  await db.schema.alterTable('cards').addColumn('closed_into_card_id', 'text').execute()
  /** A wallet merged into another keeps its row (its closed cards point at it) but no personal data. */
  await db.schema.alterTable('customers').addColumn('merged_into_id', 'text').execute()
  await db.schema.alterTable('customers').addColumn('deleted_at', 'text').execute()
  await db.schema.createIndex('customers_email').on('customers').column('email').execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
