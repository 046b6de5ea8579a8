import type { Insertable, Updateable } from 'kysely'
import type { Tx } from '../connection.js'
import type { LocationTable } from '../schema.js'

/* A business's locations, who works where, and what happened at each. */

export const insertLocation = (db: Tx, row: Insertable<LocationTable>) =>
  db.insertInto('locations').values(row).execute()

export const updateLocation = (db: Tx, merchantId: string, id: string, set: Updateable<LocationTable>) =>
  db.updateTable('locations').set(set).where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst()

export const locationsOf = (db: Tx, merchantId: string) =>
  db
    .selectFrom('locations')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute()

export const locationOf = (db: Tx, merchantId: string, id: string) =>
  db.selectFrom('locations').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst()

export const locationById = (db: Tx, id: string) =>
  db.selectFrom('locations').selectAll().where('id', '=', id).executeTakeFirst()

export const staffLocationRows = (db: Tx, merchantId: string) =>
  db.selectFrom('staff_locations').select(['staff_id', 'location_id']).where('merchant_id', '=', merchantId).execute()

export const locationIdsOfStaff = async (db: Tx, staffId: string): Promise<string[]> =>
  (await db.selectFrom('staff_locations').select('location_id').where('staff_id', '=', staffId).execute()).map(
    (r) => r.location_id,
  )

/** Replaces a staff member's assignments with these locations. */
export async function setStaffLocations(
  db: Tx,
  merchantId: string,
  staffId: string,
  locationIds: string[],
  at: string,
): Promise<void> {
  await db.deleteFrom('staff_locations').where('staff_id', '=', staffId).execute()
  if (locationIds.length === 0) return
  await db
    .insertInto('staff_locations')
    .values(locationIds.map((id) => ({ staff_id: staffId, location_id: id, merchant_id: merchantId, created_at: at })))
    .execute()
}

/* ---- per-location activity ---- */

type Grouped = Promise<
  Array<{ location_id: string | null; n: number | string | bigint; s?: number | string | bigint | null }>
>

/** Purchases (earn entries with an amount, not reversed), their spend, per location since a moment. */
export const purchasesByLocation = (db: Tx, merchantId: string, since: string): Grouped =>
  db
    .selectFrom('ledger_entries as e')
    .select([
      'e.location_id',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('e.amount_minor').as('s'),
    ])
    .where('e.merchant_id', '=', merchantId)
    .where('e.created_at', '>=', since)
    .where('e.kind', '=', 'earn')
    .where('e.amount_minor', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_entry_id', '=', 'e.id')),
      ),
    )
    .groupBy('e.location_id')
    .execute()

/** Points awarded at the till (earn entries net of their reversals), per location. */
export const pointsByLocation = (db: Tx, merchantId: string, since: string): Grouped =>
  db
    .selectFrom('ledger_entries')
    .select(['location_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('points').as('s')])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', since)
    .where('kind', 'in', ['earn', 'reversal'])
    .groupBy('location_id')
    .execute()

export const redemptionsByLocation = (db: Tx, merchantId: string, since: string): Grouped =>
  db
    .selectFrom('coupon_redemptions')
    .select(['location_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', since)
    .groupBy('location_id')
    .execute()

export const stampsByLocation = (db: Tx, merchantId: string, since: string): Grouped =>
  db
    .selectFrom('stamps')
    .select(['location_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', since)
    .groupBy('location_id')
    .execute()

export const joinsByLocation = (db: Tx, merchantId: string, since: string): Grouped =>
  db
    .selectFrom('cards')
    .select(['joined_location_id as location_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', since)
    .groupBy('joined_location_id')
    .execute()

/** Cards that belong to a location: joined there, or bought there since a moment. */
export async function cardIdsAtLocation(db: Tx, merchantId: string, locationId: string, since: string) {
  const joined = await db
    .selectFrom('cards')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .where('joined_location_id', '=', locationId)
    .execute()
  const bought = await db
    .selectFrom('ledger_entries')
    .select('card_id')
    .distinct()
    .where('merchant_id', '=', merchantId)
    .where('location_id', '=', locationId)
    .where('kind', '=', 'earn')
    .where('created_at', '>=', since)
    .execute()
  return new Set([...joined.map((r) => r.id), ...bought.map((r) => r.card_id)])
}
