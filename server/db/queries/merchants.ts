import type { Tx } from '../connection.js'
import type { Insertable } from 'kysely'
import type { MerchantTable, ProgramVersionTable, SignupLinkTable } from '../schema.js'

export const merchantBySlug = (db: Tx, slug: string) =>
  db.selectFrom('merchants').selectAll().where('slug', '=', slug).executeTakeFirst()

export const merchantById = (db: Tx, id: string) =>
  db.selectFrom('merchants').selectAll().where('id', '=', id).executeTakeFirst()

export async function countMerchants(db: Tx): Promise<number> {
  const row = await db.selectFrom('merchants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export const insertMerchant = (db: Tx, row: Insertable<MerchantTable>) => db.insertInto('merchants').values(row).execute()

/** The program version in force at `now`: the newest whose effective_from has passed. */
export const currentProgram = (db: Tx, merchantId: string, now: string) =>
  db
    .selectFrom('program_versions')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('effective_from', '<=', now)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()

export const insertProgramVersion = (db: Tx, row: Insertable<ProgramVersionTable>) =>
  db.insertInto('program_versions').values(row).execute()

export const insertSignupLink = (db: Tx, row: Insertable<SignupLinkTable>) =>
  db.insertInto('signup_links').values(row).execute()

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
    .select(['l.id', 'l.code', 'l.campaign', 'l.created_at'])
    .select((eb) => eb.fn.count<number>('c.id').as('joined'))
    .where('l.merchant_id', '=', merchantId)
    .groupBy(['l.id', 'l.code', 'l.campaign', 'l.created_at'])
    .orderBy('l.created_at', 'asc')
    .execute()
