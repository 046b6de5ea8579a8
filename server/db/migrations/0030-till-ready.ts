import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'

/*
 * Ready for the till (issue 17):
 * - ledger_entries.seq: the card's posting order, assigned in the write transaction (max + 1 on the
 *   card), so history pages in the order entries were posted and each balance_after follows from the
 *   one before; created_at is when the request started, which two tills can interleave.
 * - code_step_uses: every rotating-code step a card was opened with, so a queued (offline) scan can be
 *   checked against steps used since, not only against the newest one.
 * - offline_scans: what a staff device queued while offline, accepted or refused, with its capture time
 *   (the staff alerts read it).
 * - welcome_claims: one welcome bonus per person per merchant, by verified email and by device.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ledger_entries').addColumn('seq', 'integer').execute()
  // Existing entries: ids are UUIDv7 made inside the write transaction, so their order is the
  // posting order (created_at is not: it is taken when the request starts).
  await sql`update ledger_entries set seq = (
      select count(*) from ledger_entries e2
      where e2.card_id = ledger_entries.card_id and e2.id <= ledger_entries.id
    )`.execute(db)
  await db.schema.createIndex('ledger_card_seq').unique().on('ledger_entries').columns(['card_id', 'seq']).execute()

  await db.schema
    .createTable('code_step_uses')
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('used_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('code_step_uses_pk', ['card_id', 'step'])
    .execute()
  await db.schema.createIndex('code_step_uses_time').on('code_step_uses').column('used_at').execute()

  await db.schema
    .createTable('offline_scans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
    /** Null when the code named no card of this merchant. */
    .addColumn('card_id', 'text', (c) => c.references('cards.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    /** earn | stamp */
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'integer')
    .addColumn('captured_at', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'text', (c) => c.notNull())
    /** accepted | refused */
    .addColumn('outcome', 'text', (c) => c.notNull())
    /** The refusal's error code (code_used, code_invalid, capture_too_old, ...). */
    .addColumn('reason', 'text')
    .addColumn('entry_id', 'text')
    .addUniqueConstraint('offline_scans_key', ['merchant_id', 'idempotency_key'])
    .execute()
  await db.schema
    .createIndex('offline_scans_merchant_sync')
    .on('offline_scans')
    .columns(['merchant_id', 'synced_at'])
    .execute()

  await db.schema
    .createTable('welcome_claims')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    /** 'email:<sha256>' or 'device:<sha256>': never the address or the device id itself. */
    .addColumn('claim', 'text', (c) => c.notNull())
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('welcome_claims_pk', ['merchant_id', 'claim'])
    .execute()
  // Members who joined before this rule claim their merchant by their email, so it holds for them too.
  const rows = await sql<{ merchant_id: string; email: string; card_id: string; created_at: string }>`
      select c.merchant_id, lower(cu.email) as email, c.id as card_id, c.created_at
      from cards c join customers cu on cu.id = c.customer_id
      where cu.email is not null order by c.created_at, c.id`.execute(db)
  const seen = new Set<string>()
  for (const r of rows.rows) {
    const claim = `email:${createHash('sha256').update(`welcome:${r.email.trim()}`).digest('hex')}`
    if (seen.has(`${r.merchant_id}|${claim}`)) continue
    seen.add(`${r.merchant_id}|${claim}`)
    await sql`insert into welcome_claims (merchant_id, claim, card_id, created_at)
        values (${r.merchant_id}, ${claim}, ${r.card_id}, ${r.created_at})`.execute(db)
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
