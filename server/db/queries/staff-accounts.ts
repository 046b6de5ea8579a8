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

/**
 * One more failure on `key`, in one statement: the count restarts when the last failure is older
 * than `forgetBefore`. The row stays locked to the commit on PostgreSQL, so failures from several
 * processes at once all count. Returns the new count.
 */
export async function countThrottleFailure(db: Tx, key: string, now: string, forgetBefore: string): Promise<number> {
  const r = await db
    .insertInto('login_throttles')
    .values({ key, failures: 1, last_failure_at: now, blocked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('login_throttles.last_failure_at', '<', forgetBefore)
          .then(1)
          .else(eb('login_throttles.failures', '+', 1))
          .end(),
        last_failure_at: now,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow()
  return Number(r.failures)
}

export const setThrottleBlock = (db: Tx, key: string, blockedUntil: string | null) =>
  db.updateTable('login_throttles').set({ blocked_until: blockedUntil }).where('key', '=', key).execute()

export const clearThrottles = (db: Tx, keys: string[]) =>
  db.deleteFrom('login_throttles').where('key', 'in', keys).execute()

export const deleteStaleThrottles = (db: Tx, before: string) =>
  db.deleteFrom('login_throttles').where('last_failure_at', '<', before).execute()
