import { sql, type Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { MerchantLogoTable, StaffInviteTable } from '../schema.js'

/* The merchant console's admin queries: branding, logos, staff and the customer list. */

export const updateMerchantBranding = (
  db: Tx,
  merchantId: string,
  b: { name: string; brand_color: string; accent_color: string },
) => db.updateTable('merchants').set(b).where('id', '=', merchantId).execute()

export const setMerchantLogoUrl = (db: Tx, merchantId: string, logoUrl: string | null) =>
  db.updateTable('merchants').set({ logo_url: logoUrl }).where('id', '=', merchantId).execute()

export const logoOf = (db: Tx, merchantId: string) =>
  db.selectFrom('merchant_logos').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst()

export const logoBySlug = (db: Tx, slug: string) =>
  db
    .selectFrom('merchant_logos as l')
    .innerJoin('merchants as m', 'm.id', 'l.merchant_id')
    .select(['l.version', 'l.content_type', 'l.data'])
    .where('m.slug', '=', slug)
    .executeTakeFirst()

export async function saveLogo(db: Tx, row: Insertable<MerchantLogoTable>): Promise<void> {
  const { merchant_id, ...rest } = row
  const r = await db.updateTable('merchant_logos').set(rest).where('merchant_id', '=', merchant_id).executeTakeFirst()
  if (Number(r.numUpdatedRows) === 0) await db.insertInto('merchant_logos').values(row).execute()
}

export const deleteLogo = (db: Tx, merchantId: string) =>
  db.deleteFrom('merchant_logos').where('merchant_id', '=', merchantId).execute()

export const staffOfMerchant = (db: Tx, merchantId: string) =>
  db
    .selectFrom('staff')
    .select(['id', 'email', 'name', 'role', 'active', 'created_at'])
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute()

export const staffMemberOf = (db: Tx, merchantId: string, staffId: string) =>
  db
    .selectFrom('staff')
    .select(['id', 'email', 'name', 'role', 'active', 'created_at'])
    .where('merchant_id', '=', merchantId)
    .where('id', '=', staffId)
    .executeTakeFirst()

export async function countActiveOwners(db: Tx, merchantId: string): Promise<number> {
  const r = await db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchant_id', '=', merchantId)
    .where('role', '=', 'owner')
    .where('active', '=', 1)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export const setStaffRole = (db: Tx, staffId: string, role: 'owner' | 'manager' | 'cashier') =>
  db.updateTable('staff').set({ role }).where('id', '=', staffId).execute()

export const setStaffActive = (db: Tx, staffId: string, active: 0 | 1) =>
  db.updateTable('staff').set({ active }).where('id', '=', staffId).execute()

export const setStaffPassword = (db: Tx, staffId: string, passwordHash: string) =>
  db.updateTable('staff').set({ password_hash: passwordHash }).where('id', '=', staffId).execute()

export const deleteStaffSessions = (db: Tx, staffId: string) =>
  db.deleteFrom('sessions').where('staff_id', '=', staffId).execute()

export const insertStaffInvite = (db: Tx, row: Insertable<StaffInviteTable>) =>
  db.insertInto('staff_invites').values(row).execute()

/** Invitations not yet used (expired ones included: the console shows them as expired). */
export const openInvites = (db: Tx, merchantId: string) =>
  db
    .selectFrom('staff_invites')
    .select(['staff_id', 'expires_at'])
    .where('merchant_id', '=', merchantId)
    .where('used_at', 'is', null)
    .execute()

export const inviteByTokenHash = (db: Tx, tokenHash: string) =>
  db
    .selectFrom('staff_invites as i')
    .innerJoin('staff as s', 's.id', 'i.staff_id')
    .innerJoin('merchants as m', 'm.id', 'i.merchant_id')
    .select([
      'i.id',
      'i.staff_id',
      'i.expires_at',
      'i.used_at',
      's.email',
      's.name',
      's.role',
      'm.name as merchant_name',
    ])
    .where('i.token_hash', '=', tokenHash)
    .executeTakeFirst()

/** Marks an invitation used; one atomic UPDATE that changes exactly one row, so a token works once. */
export async function useInvite(db: Tx, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('staff_invites')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Ends every open invitation of a staff member (a new one replaces them; deactivation voids them). */
export const closeInvitesOf = (db: Tx, staffId: string, now: string) =>
  db
    .updateTable('staff_invites')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('used_at', 'is', null)
    .execute()

function customerSearch(db: Tx, merchantId: string, q: string, byEmail: boolean) {
  let query = db
    .selectFrom('cards as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .where('c.merchant_id', '=', merchantId)
  const term = q.trim().toLowerCase()
  if (term) {
    // lower() and LIKE are portable SQL; the pattern's own wildcards are escaped.
    const escape = (v: string) => v.replace(/[\\%_]/g, (ch) => `\\${ch}`)
    const like = `%${escape(term)}%`
    // A card number as printed ("ABCD 2345") or its first characters, typed in any case.
    const numberPrefix = `${escape(term.replace(/[\s-]/g, '').toUpperCase())}%`
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(${eb.ref('cu.name')}) like ${like} escape '\\'`,
        // Only for those who may see emails: a match would tell a cashier whose address it is.
        ...(byEmail ? [sql<boolean>`lower(${eb.ref('cu.email')}) like ${like} escape '\\'`] : []),
        sql<boolean>`${eb.ref('c.card_number')} like ${numberPrefix} escape '\\'`,
      ]),
    )
  }
  return query
}

export async function searchCustomers(
  db: Tx,
  merchantId: string,
  q: string,
  limit: number,
  offset: number,
  byEmail: boolean,
) {
  const base = customerSearch(db, merchantId, q, byEmail)
  const [rows, total] = await Promise.all([
    base
      .select(['c.id as card_id', 'c.card_number', 'c.balance', 'c.created_at', 'c.updated_at', 'cu.name', 'cu.email'])
      .orderBy('cu.name', 'asc')
      .orderBy('c.id', 'asc')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(total.n) }
}

export const memberCardOf = (db: Tx, merchantId: string, cardId: string) =>
  db
    .selectFrom('cards as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .selectAll('c')
    .select(['cu.name as member_name', 'cu.email as member_email', 'cu.birthday as member_birthday'])
    .where('c.merchant_id', '=', merchantId)
    .where('c.id', '=', cardId)
    .executeTakeFirst()

/** A card's consent changes, newest first. */
export const consentEventsOfCard = (db: Tx, cardId: string) =>
  db
    .selectFrom('consent_events')
    .select(['granted', 'source', 'wording', 'created_at'])
    .where('card_id', '=', cardId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
