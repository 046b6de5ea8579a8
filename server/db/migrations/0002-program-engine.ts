import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'

/* Program engine: rules per version, tiers, expiry lots, bonuses, referrals. Append-only. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The full rules of a version as JSON (ProgramRules); null on versions made before this migration.
  await db.schema.alterTable('program_versions').addColumn('rules', 'text').execute()

  // Every member has their own referral link; the card a member was referred by.
  await db.schema.alterTable('cards').addColumn('referral_code', 'text').execute()
  await db.schema.alterTable('cards').addColumn('referred_by_card_id', 'text').execute()
  await db.schema.createIndex('cards_referral_code').unique().on('cards').column('referral_code').execute()

  // A birthday can be set once and changed at most once a year.
  await db.schema.alterTable('customers').addColumn('birthday_set_at', 'text').execute()

  // An 'expire' entry names the lot (the earn/bonus entry) it expires: never twice for the same lot.
  await db.schema.alterTable('ledger_entries').addColumn('expires_entry_id', 'text').execute()
  await db.schema.createIndex('ledger_expires_entry').unique().on('ledger_entries').column('expires_entry_id').execute()

  await db.schema
    .createTable('card_tiers')
    .addColumn('card_id', 'text', (c) => c.primaryKey().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('achieved_at', 'text', (c) => c.notNull())
    // When re-evaluation first found the card below its tier; the downgrade waits out the grace period from here.
    .addColumn('below_since', 'text')
    .execute()

  await db.schema
    .createTable('tier_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('from_tier', 'text')
    .addColumn('to_tier', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('tier_changes_merchant_time')
    .on('tier_changes')
    .columns(['merchant_id', 'created_at'])
    .execute()

  // One row per bonus granted: welcome (period 'join'), birthday (period = year), referral (period = friend's card).
  await db.schema
    .createTable('bonus_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.references('ledger_entries.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('bonus_grants_once', ['card_id', 'kind', 'period'])
    .execute()

  const cards = await sql<{ id: string }>`select id from cards where referral_code is null`.execute(db)
  for (const c of cards.rows) {
    const code = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').toLowerCase()
    await sql`update cards set referral_code = ${code} where id = ${c.id}`.execute(db)
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
