import type { Kysely } from 'kysely'

/**
 * Scans queued offline (0030) learn where the till stood (locations, 0021), as every other till
 * record does: the staff alerts judge one captured outside opening hours by its location's own hours
 * and filter by location. Scans queued before this have none. Append-only: add the next number.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('offline_scans')
    .addColumn('location_id', 'text', (c) => c.references('locations.id'))
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
