import type { Tx } from '../connection.js'
import { first, prepared } from '../prepared.js'
import { sql, type Insertable } from 'kysely'
import type { MerchantTable, ProgramVersionTable, SignupLinkTable } from '../schema.js'

export const merchantBySlug = (db: Tx, slug: string) =>
  db.selectFrom('merchants').selectAll().where('slug', '=', slug).executeTakeFirst()

const merchantByIdQuery = prepared((db, a: { id: string }) =>
  db.selectFrom('merchants').selectAll().where('id', '=', a.id),
)
export const merchantById = (db: Tx, id: string) => first(merchantByIdQuery(db, { id }))

/** What local dates and money need: the merchant's slug, time zone and currency. */
/** The language a merchant writes its messages in first (0060). */
export async function defaultLocaleOf(db: Tx, id: string): Promise<string> {
  const r = await db.selectFrom('merchants').select('default_locale').where('id', '=', id).executeTakeFirst()
  return r?.default_locale ?? 'en'
}

export const setDefaultLocale = (db: Tx, id: string, locale: string) =>
  db.updateTable('merchants').set({ default_locale: locale }).where('id', '=', id).execute()

export const merchantLocale = (db: Tx, id: string) =>
  db.selectFrom('merchants').select(['slug', 'timezone', 'currency']).where('id', '=', id).executeTakeFirst()

export async function countMerchants(db: Tx): Promise<number> {
  const row = await db
    .selectFrom('merchants')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export const insertMerchant = (db: Tx, row: Insertable<MerchantTable>) =>
  db.insertInto('merchants').values(row).execute()

/** The program version in force at `now`: the newest whose effective_from has passed. */
const currentProgramQuery = prepared((db, a: { merchantId: string; now: string }) =>
  db
    .selectFrom('program_versions')
    .selectAll()
    .where('merchant_id', '=', a.merchantId)
    .where('effective_from', '<=', a.now)
    .orderBy('version', 'desc')
    .limit(sql.lit(1)),
)
export const currentProgram = (db: Tx, merchantId: string, now: string) =>
  first(currentProgramQuery(db, { merchantId, now }))

/** A merchant with the program version in force at `now`, as one query (the earn's context reads it inside another). */
export const merchantWithProgramAt = (db: Tx, merchantId: string, now: string) =>
  db
    .selectFrom('merchants as m')
    .innerJoin('program_versions as pv', 'pv.merchant_id', 'm.id')
    .selectAll('m')
    .select(['pv.version', 'pv.points_per_unit', 'pv.unit_minor', 'pv.rounding', 'pv.rules'])
    .where('m.id', '=', merchantId)
    .where('pv.effective_from', '<=', now)
    .orderBy('pv.version', 'desc')
    .limit(sql.lit(1))

/** A merchant with the program version in force at `now`, in one read (every earn needs both). */
const merchantProgramQuery = prepared((db, a: { merchantId: string; now: string }) =>
  merchantWithProgramAt(db, a.merchantId, a.now),
)
export const merchantWithProgram = (db: Tx, merchantId: string, now: string) =>
  first(merchantProgramQuery(db, { merchantId, now }))

export const insertProgramVersion = (db: Tx, row: Insertable<ProgramVersionTable>) =>
  db.insertInto('program_versions').values(row).execute()

export const insertSignupLink = (db: Tx, row: Insertable<SignupLinkTable>) =>
  db.insertInto('signup_links').values(row).execute()

export const signupLinkById = (db: Tx, id: string) =>
  db.selectFrom('signup_links').selectAll().where('id', '=', id).executeTakeFirst()

export const signupLinkByCode = (db: Tx, merchantId: string, code: string) =>
  db
    .selectFrom('signup_links')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('code', '=', code)
    .executeTakeFirst()

/** Links with how many members joined through each. */
export const signupLinksWithCounts = (db: Tx, merchantId: string) =>
  db
    .selectFrom('signup_links as l')
    .leftJoin('cards as c', 'c.signup_link_id', 'l.id')
    .select(['l.id', 'l.code', 'l.campaign', 'l.created_at', 'l.location_id'])
    .select((eb) => eb.fn.count<number>('c.id').as('joined'))
    .where('l.merchant_id', '=', merchantId)
    .groupBy(['l.id', 'l.code', 'l.campaign', 'l.created_at', 'l.location_id'])
    .orderBy('l.created_at', 'asc')
    .execute()
