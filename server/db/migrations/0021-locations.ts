import { sql, type Kysely } from 'kysely'

/**
 * Locations (issue 16): a business's shops, each with its address, time zone and opening hours; the
 * staff assigned to each; and the location every award, redemption and stamp happened at, every scan
 * handle was opened at, every signup link and POS key belongs to, and every member joined at.
 * Cards also learn when they were last used, so the wallet lists the card used last first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('locations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    /** JSON: seven days, Monday first, each { open, close } or null (closed); null is none set. */
    .addColumn('opening_hours', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .execute()
  await db.schema.createIndex('locations_merchant').on('locations').column('merchant_id').execute()

  await db.schema
    .createTable('staff_locations')
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_locations_pk', ['staff_id', 'location_id'])
    .execute()
  await db.schema.createIndex('staff_locations_location').on('staff_locations').column('location_id').execute()

  const located: Array<[table: string, column: string]> = [
    ['ledger_entries', 'location_id'],
    ['coupon_redemptions', 'location_id'],
    ['stamps', 'location_id'],
    ['scan_handles', 'location_id'],
    ['signup_links', 'location_id'],
    ['api_keys', 'location_id'],
    ['staff_alerts', 'location_id'],
    ['cards', 'joined_location_id'],
  ]
  for (const [table, column] of located) {
    await db.schema
      .alterTable(table)
      .addColumn(column, 'text', (c) => c.references('locations.id'))
      .execute()
  }

  await db.schema.alterTable('cards').addColumn('last_used_at', 'text').execute()
  await sql`update cards set last_used_at = updated_at`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
