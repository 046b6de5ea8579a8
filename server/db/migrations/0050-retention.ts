import { sql, type Kysely } from 'kysely'

/*
 * Keep nothing longer than needed (issue 19):
 * - idempotency_records.card_id: the card a stored answer is about, so the member's export holds it and
 *   deleting the account unlinks it; created_at is indexed for the purge after the retention period.
 * - Stored answers lose the member's name (a replay reads it again): existing ones are rewritten here.
 * - Indexes the hourly purge of expired rows needs (sessions, push deliveries, notification texts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_records').addColumn('card_id', 'text').execute()
  await db.schema.createIndex('idempotency_records_time').on('idempotency_records').column('created_at').execute()
  await db.schema.createIndex('idempotency_records_card').on('idempotency_records').column('card_id').execute()
  const named = await sql<{ merchant_id: string; scope: string; key: string; body: string }>`
      select merchant_id, scope, key, body from idempotency_records where body like ${'%"memberName"%'}`.execute(db)
  for (const r of named.rows) {
    const body = JSON.parse(r.body) as Record<string, unknown>
    if (typeof body.memberName !== 'string') continue
    await sql`update idempotency_records set body = ${JSON.stringify({ ...body, memberName: null })}
        where merchant_id = ${r.merchant_id} and scope = ${r.scope} and key = ${r.key}`.execute(db)
  }
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute()
  await db.schema.createIndex('push_attempts_time').on('push_attempts').column('created_at').execute()
  await db.schema.createIndex('push_outbox_time').on('push_outbox').column('created_at').execute()
  await db.schema.createIndex('push_notifications_time').on('push_notifications').column('created_at').execute()
}
