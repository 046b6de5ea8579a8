import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import { first, prepared } from '../prepared.js'
import type { ApiKeyTable, IdempotencyRecordTable, ScanHandleTable } from '../schema.js'

export const insertApiKey = (db: Tx, row: Insertable<ApiKeyTable>) => db.insertInto('api_keys').values(row).execute()

export const apiKeysOf = (db: Tx, merchantId: string) =>
  db.selectFrom('api_keys').selectAll().where('merchant_id', '=', merchantId).orderBy('created_at', 'desc').execute()

const apiKeyByHashQuery = prepared((db, a: { keyHash: string }) =>
  db
    .selectFrom('api_keys')
    .select(['id', 'merchant_id', 'last_used_at', 'location_id'])
    .where('key_hash', '=', a.keyHash)
    .where('revoked_at', 'is', null),
)
/** Every POS request asks this: prepared (see prepared.ts). */
export const activeApiKeyByHash = (db: Tx, keyHash: string) => first(apiKeyByHashQuery(db, { keyHash }))

export async function revokeApiKey(db: Tx, merchantId: string, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('merchant_id', '=', merchantId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export const touchApiKey = (db: Tx, id: string, now: string) =>
  db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute()

const idempotencyRecordQuery = prepared((db, a: { merchantId: string; scope: string; key: string }) =>
  db
    .selectFrom('idempotency_records')
    .selectAll()
    .where('merchant_id', '=', a.merchantId)
    .where('scope', '=', a.scope)
    .where('key', '=', a.key),
)
export const idempotencyRecord = (db: Tx, merchantId: string, scope: string, key: string) =>
  first(idempotencyRecordQuery(db, { merchantId, scope, key }))

const claimIdempotencyKeyQuery = prepared((db, row: Insertable<IdempotencyRecordTable>) =>
  db
    .insertInto('idempotency_records')
    .values({
      merchant_id: row.merchant_id,
      scope: row.scope,
      key: row.key,
      request_hash: row.request_hash,
      status: row.status,
      body: row.body,
      created_at: row.created_at,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'scope', 'key']).doNothing())
    .returning('status'),
)
/**
 * Writes the key's record before the work, with no answer yet (status 0), and tells whether this
 * call wrote it. When another transaction holds the same key uncommitted, the insert waits for it
 * (PostgreSQL's unique index does), then does nothing: the caller finds the committed answer. The
 * placeholder is part of the caller's transaction: a failed call leaves no trace of it.
 */
export const claimIdempotencyKey = async (tx: Tx, row: Insertable<IdempotencyRecordTable>) =>
  (await claimIdempotencyKeyQuery(tx, row)).length === 1

const completeIdempotencyRecordQuery = prepared(
  (db, a: { merchantId: string; scope: string; key: string; status: number; body: string; cardId: string | null }) =>
    db
      .updateTable('idempotency_records')
      .set({ status: a.status, body: a.body, card_id: a.cardId })
      .where('merchant_id', '=', a.merchantId)
      .where('scope', '=', a.scope)
      .where('key', '=', a.key),
)
/** Stores the answer in the record claimIdempotencyKey wrote, in the same transaction. */
export const completeIdempotencyRecord = (
  tx: Tx,
  a: { merchantId: string; scope: string; key: string; status: number; body: string; cardId: string | null },
) => completeIdempotencyRecordQuery(tx, a)

/** The name of a card's member as it is now ('' once the account is deleted), for a replayed answer. */
export const memberNameOfCard = async (db: Tx, cardId: string) =>
  (
    await db
      .selectFrom('cards as c')
      .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
      .select('cu.name')
      .where('c.id', '=', cardId)
      .executeTakeFirst()
  )?.name ?? ''

export const insertScanHandle = (db: Tx, row: Insertable<ScanHandleTable>) =>
  db.insertInto('scan_handles').values(row).execute()

export const scanHandle = (db: Tx, id: string, merchantId: string) =>
  db
    .selectFrom('scan_handles')
    .selectAll()
    .where('id', '=', id)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst()

export const deleteExpiredScanHandles = (db: Tx, now: string) =>
  db.deleteFrom('scan_handles').where('expires_at', '<', now).execute()
