import { PostgresAdapter, type Kysely } from 'kysely'

/**
 * Migrations are the same on both backends; this is for the few places where a type or clause
 * differs (a blob is bytea, SQLite's WITHOUT ROWID has no PostgreSQL counterpart). What a migration
 * does on SQLite never changes: existing files have already run it.
 */
export const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter
