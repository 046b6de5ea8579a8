import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import { first, prepared } from '../prepared.js'
import type { CustomerTable, SessionTable, StaffTable } from '../schema.js'

export const insertStaff = (db: Tx, row: Insertable<StaffTable>) => db.insertInto('staff').values(row).execute()

export const staffByEmail = (db: Tx, email: string) =>
  db.selectFrom('staff').selectAll().where('email', '=', email).executeTakeFirst()

export const insertCustomer = (db: Tx, row: Insertable<CustomerTable>) =>
  db.insertInto('customers').values(row).execute()

/** The member's language (0060); only a known one is ever written (the contract checks it). */
export const setCustomerLocale = (db: Tx, id: string, locale: string) =>
  db.updateTable('customers').set({ locale }).where('id', '=', id).execute()

export const customerById = (db: Tx, id: string) =>
  db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst()

export const insertSession = (db: Tx, row: Insertable<SessionTable>) => db.insertInto('sessions').values(row).execute()

/**
 * A live session with its staff member (and merchant) or customer: one read by the unique token
 * hash, on every request that carries a cookie, so it is prepared (building it cost more than running it).
 */
const sessionQuery = prepared((db, a: { tokenHash: string; now: string }) =>
  db
    .selectFrom('sessions as s')
    .leftJoin('staff as st', 'st.id', 's.staff_id')
    .select([
      's.id',
      's.kind',
      's.customer_id',
      's.staff_id',
      's.last_seen_at',
      'st.merchant_id as staff_merchant_id',
      'st.role as staff_role',
      'st.active as staff_active',
    ])
    .where('s.token_hash', '=', a.tokenHash)
    .where('s.expires_at', '>', a.now),
)
export const sessionByTokenHash = (db: Tx, tokenHash: string, now: string) =>
  first(sessionQuery(db, { tokenHash, now }))

export const touchSession = (db: Tx, id: string, now: string) =>
  db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute()

export const deleteSessionByTokenHash = (db: Tx, tokenHash: string) =>
  db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute()

export const staffWithMerchant = (db: Tx, staffId: string) =>
  db
    .selectFrom('staff as s')
    .innerJoin('merchants as m', 'm.id', 's.merchant_id')
    .select([
      's.id',
      's.name',
      's.email',
      's.role',
      'm.id as merchant_id',
      'm.slug',
      'm.name as merchant_name',
      'm.currency',
      'm.brand_color',
    ])
    .where('s.id', '=', staffId)
    .executeTakeFirst()
