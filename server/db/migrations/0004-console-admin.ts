import type { Kysely } from 'kysely'
import { isPostgres } from './dialect.js'

/* Merchant console admin: staff invitations and merchant logos. Append-only: add the next number. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
  await db.schema.createIndex('staff_invites_staff').on('staff_invites').column('staff_id').execute()

  /* The processed logo (already resized and stripped); a blob keeps backups to one file. */
  await db.schema
    .createTable('merchant_logos')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('data', isPostgres(db) ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
