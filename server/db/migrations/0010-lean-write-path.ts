import { sql, type Kysely } from 'kysely'
import { isPostgres } from './dialect.js'

/**
 * Fewer B-trees touched by every earn (each one is a page to change and to write to the WAL):
 * - the ledger indexes on columns that are null on almost every row (an entry expiring a lot, an
 *   entry by a staff member rather than a POS) now hold only the rows where they are set; the
 *   queries that use them look for non-null values, which such a partial index serves;
 * - idempotency records are kept in their primary key's order (WITHOUT ROWID), one tree instead of
 *   a table plus its key index. (SQLite only; on PostgreSQL the table keeps its primary key as it is.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ledger_expires_entry').execute()
  await db.schema
    .createIndex('ledger_expires_entry')
    .unique()
    .on('ledger_entries')
    .column('expires_entry_id')
    .where(sql.ref('expires_entry_id'), 'is not', null)
    .execute()
  await db.schema.dropIndex('ledger_staff_time').execute()
  await db.schema
    .createIndex('ledger_staff_time')
    .on('ledger_entries')
    .columns(['staff_id', 'created_at'])
    .where(sql.ref('staff_id'), 'is not', null)
    .execute()

  // PostgreSQL keeps a table and its primary key apart either way: nothing to rebuild.
  if (isPostgres(db)) return
  await db.schema
    .createTable('idempotency_records_new')
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_records_pk', ['merchant_id', 'scope', 'key'])
    .modifyEnd(sql`without rowid`)
    .execute()
  await sql`insert into idempotency_records_new (merchant_id, scope, key, request_hash, status, body, created_at)
            select merchant_id, scope, key, request_hash, status, body, created_at from idempotency_records`.execute(db)
  await db.schema.dropTable('idempotency_records').execute()
  await db.schema.alterTable('idempotency_records_new').renameTo('idempotency_records').execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
