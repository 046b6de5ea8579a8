import { CompiledQuery } from 'kysely'
import { backendOf, type Tx } from '../../server/db/connection.js'

/**
 * Plain SQL for assertions, through the test app's Kysely handle, so the same check runs on
 * SQLite and PostgreSQL: `?` placeholders become `$1…` on PostgreSQL. Write only inside writeTx.
 */
export async function all<T = any>(db: Tx, text: string, ...args: unknown[]): Promise<T[]> {
  let i = 0
  const q = backendOf(db) === 'postgres' ? text.replace(/\?/g, () => `$${++i}`) : text
  return (await db.executeQuery(CompiledQuery.raw(q, args))).rows as T[]
}

export const get = async <T = any>(db: Tx, text: string, ...args: unknown[]): Promise<T | undefined> =>
  (await all<T>(db, text, ...args))[0]

/** `select count(*) …` in one number. */
export const countOf = async (db: Tx, text: string, ...args: unknown[]): Promise<number> =>
  Number((await get<{ n: number }>(db, text, ...args))!.n)

/** Rows in a table. */
export const rowsIn = (db: Tx, table: string) => countOf(db, `select count(*) as n from ${table}`)
