import type { Kysely } from 'kysely'

/**
 * Staff accounts (issue 16): password reset links (single use, 30 minutes, only the token's SHA-256
 * kept) and login throttling state, in the database so every server process sees the same.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
  await db.schema.createIndex('password_resets_staff').on('password_resets').column('staff_id').execute()

  /**
   * One row per throttled key: an account ("acct:" + hash of the email), an account from one address
   * ("pair:" …) or an address ("addr:" …). Consecutive failures and until when attempts are refused.
   */
  await db.schema
    .createTable('login_throttles')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .addColumn('blocked_until', 'text')
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
