import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { PasswordResetTable } from '../schema.js'

/* Staff password resets and login throttling. */

export const insertPasswordReset = (db: Tx, row: Insertable<PasswordResetTable>) =>
  db.insertInto('password_resets').values(row).execute()

/** Uses a reset link once: one conditional UPDATE that must change one row. */
export async function consumePasswordReset(db: Tx, tokenHash: string, now: string) {
  const r = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  if (Number(r.numUpdatedRows) !== 1) return undefined
  return db.selectFrom('password_resets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/** Earlier links of the same person stop working when one is used. */
export const closePasswordResetsOf = (db: Tx, staffId: string, now: string) =>
  db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('used_at', 'is', null)
    .execute()

export const deleteOldPasswordResets = (db: Tx, before: string) =>
  db.deleteFrom('password_resets').where('expires_at', '<', before).execute()

export const throttleRows = (db: Tx, keys: string[]) =>
  db.selectFrom('login_throttles').selectAll().where('key', 'in', keys).execute()

export const saveThrottle = (
  db: Tx,
  row: { key: string; failures: number; last_failure_at: string; blocked_until: string | null },
) =>
  db
    .insertInto('login_throttles')
    .values(row)
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: row.failures,
        last_failure_at: row.last_failure_at,
        blocked_until: row.blocked_until,
      }),
    )
    .execute()

export const clearThrottles = (db: Tx, keys: string[]) =>
  db.deleteFrom('login_throttles').where('key', 'in', keys).execute()

export const deleteStaleThrottles = (db: Tx, before: string) =>
  db.deleteFrom('login_throttles').where('last_failure_at', '<', before).execute()
