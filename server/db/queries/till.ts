import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import { prepared } from '../prepared.js'
import { merchantWithProgramAt } from './merchants.js'
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

/**
 * What an earn reads besides the card, in one statement after taking the card's lock (so it sees all
 * that an earlier holder of the lock wrote): the merchant with the program version in force at `now`
 * (as merchantWithProgram), the card's tier row, whether the card has wallet passes, and the
 * business's active webhook endpoints, one row each (a single row with null endpoint columns when
 * there is none; a business has at most a handful). No row: no program in force.
 */
const earnContextQuery = prepared((db, a: { merchantId: string; cardId: string; now: string }) =>
  db
    .selectFrom(merchantWithProgramAt(db, a.merchantId, a.now).as('p'))
    .leftJoin('card_tiers as ct', (j) => j.on('ct.card_id', '=', a.cardId))
    .leftJoin('webhook_endpoints as we', (j) => j.onRef('we.merchant_id', '=', 'p.id').on('we.state', '=', 'active'))
    .selectAll('p')
    .select([
      'ct.merchant_id as tier_merchant_id',
      'ct.tier',
      'ct.achieved_at as tier_achieved_at',
      'ct.below_since as tier_below_since',
      'we.id as endpoint_id',
      'we.events as endpoint_events',
    ])
    .select((eb) =>
      eb
        .exists(eb.selectFrom('wallet_passes as wp').select('wp.id').where('wp.card_id', '=', a.cardId))
        .as('has_passes'),
    ),
)
export const earnContextRows = (db: Tx, merchantId: string, cardId: string, now: string) =>
  earnContextQuery(db, { merchantId, cardId, now })
