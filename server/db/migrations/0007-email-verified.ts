import type { Kysely } from 'kysely'

/**
 * An email typed at join proves nothing: anyone can type anyone's address. The first sign-in link
 * opened from that address proves it; `email_verified_at` records when (see consumeEmailLink).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('email_verified_at', 'text').execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
