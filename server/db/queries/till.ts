import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { OfflineScanTable } from '../schema.js'

/* The counter's own records: rotating-code steps used, and scans queued by a till while offline. */

export const recordCodeStep = (db: Tx, cardId: string, step: number, at: string) =>
  db.insertInto('code_step_uses').values({ card_id: cardId, step, used_at: at }).execute()

export async function codeStepUsed(db: Tx, cardId: string, step: number): Promise<boolean> {
  const row = await db
    .selectFrom('code_step_uses')
    .select('step')
    .where('card_id', '=', cardId)
    .where('step', '=', step)
    .executeTakeFirst()
  return row !== undefined
}

export const deleteCodeStepsBefore = (db: Tx, before: string) =>
  db.deleteFrom('code_step_uses').where('used_at', '<', before).execute()

export const insertOfflineScan = (db: Tx, row: Insertable<OfflineScanTable>) =>
  db.insertInto('offline_scans').values(row).execute()

export const offlineScanByKey = (db: Tx, merchantId: string, key: string) =>
  db
    .selectFrom('offline_scans')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst()

/** Queued scans synced in [from, to), for the staff alerts. */
export const offlineScansSyncedBetween = (db: Tx, merchantId: string, from: string, to: string) =>
  db
    .selectFrom('offline_scans')
    .select([
      'id',
      'staff_id',
      'card_id',
      'action',
      'captured_at',
      'synced_at',
      'outcome',
      'reason',
      'entry_id',
      'location_id',
    ])
    .where('merchant_id', '=', merchantId)
    .where('synced_at', '>=', from)
    .where('synced_at', '<', to)
    .orderBy('synced_at', 'asc')
    .orderBy('id', 'asc')
    .execute()
