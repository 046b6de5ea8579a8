import { sql, type Kysely } from 'kysely'

/**
 * Many businesses on one installation (issue 16): what a business is (kind, country), where it stands
 * (verified, live, suspended, closed), who runs the platform, the operator's sign-up invitations,
 * email verification links, the first-run checklist and its practice card. (Sign-ups per address and
 * mails per account count in `rate_limits`, 0011, like every other limit.) Append-only: add the next
 * number.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'kind',
    'country',
    'email_verified_at',
    'live_at',
    'suspended_at',
    'suspended_reason',
    'closed_at',
    'exported_at',
  ]) {
    await db.schema.alterTable('merchants').addColumn(column, 'text').execute()
  }
  // Every business that exists already was set up by its operator: verified and live.
  await sql`update merchants set email_verified_at = created_at, live_at = created_at`.execute(db)

  // Staff accounts made operators by the first-run setup (OPERATOR_EMAILS names more).
  await db.schema
    .createTable('operators')
    .addColumn('staff_id', 'text', (c) => c.primaryKey().references('staff.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  // Single-use sign-up links from an operator (SIGNUP=invite); only the token's SHA-256 is kept.
  await db.schema
    .createTable('business_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('staff.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('merchant_id', 'text', (c) => c.references('merchants.id'))
    .execute()

  // The owner's address is proven by a link sent to it before the business can go live.
  await db.schema
    .createTable('email_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
  await db.schema.createIndex('email_verifications_merchant').on('email_verifications').column('merchant_id').execute()

  // Steps of the first-run checklist the owner finished (or chose to skip).
  await db.schema
    .createTable('first_run_steps')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text', (c) => c.notNull())
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('first_run_steps_pk', ['merchant_id', 'step'])
    .execute()
  // Businesses that ran before the checklist existed are past their first run.
  for (const step of ['program', 'branding', 'poster', 'staff', 'test_scan']) {
    await sql`insert into first_run_steps (merchant_id, step, done_at, skipped)
              select id, ${sql.lit(step)}, created_at, 0 from merchants`.execute(db)
  }

  // The practice card: a card number and TOTP secret of its own, never a member, never in the ledger.
  await db.schema
    .createTable('practice_cards')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    .addColumn('card_number', 'text', (c) => c.notNull().unique())
    .addColumn('totp_secret', 'text', (c) => c.notNull())
    .addColumn('last_code_step', 'integer')
    /** SHA-256 of the handle its last scan gave (awards on it are shown, not recorded). */
    .addColumn('handle_hash', 'text')
    .addColumn('handle_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
