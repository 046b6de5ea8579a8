import type { Kysely } from 'kysely'

/**
 * Languages (issue 20). Ledger entries keep a reason code and its parameters beside the text, so the
 * card, the console and the exports say why in the reader's language; entries from before keep
 * only the text, which is what they show. Members remember their language (set from the browser at
 * join, changed in Settings) for pushes and emails; a merchant has a default language, which its
 * offers and automation messages must be written in (other languages optional). Append-only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ledger_entries').addColumn('reason_code', 'text').execute()
  await db.schema.alterTable('ledger_entries').addColumn('reason_params', 'text').execute()
  await db.schema.alterTable('customers').addColumn('locale', 'text').execute()
  await db.schema
    .alterTable('merchants')
    .addColumn('default_locale', 'text', (c) => c.notNull().defaultTo('en'))
    .execute()
  await db.schema.alterTable('push_offers').addColumn('translations', 'text').execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
