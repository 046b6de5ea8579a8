import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { ApiKeyTable, IdempotencyRecordTable, ScanHandleTable } from '../schema.js'

export const insertApiKey = (db: Tx, row: Insertable<ApiKeyTable>) => db.insertInto('api_keys').values(row).execute()

export const apiKeysOf = (db: Tx, merchantId: string) =>
  db.selectFrom('api_keys').selectAll().where('merchant_id', '=', merchantId).orderBy('created_at', 'desc').execute()

export const activeApiKeyByHash = (db: Tx, keyHash: string) =>
  db
    .selectFrom('api_keys')
    .select(['id', 'merchant_id', 'last_used_at'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()

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

export const idempotencyRecord = (db: Tx, merchantId: string, scope: string, key: string) =>
  db
    .selectFrom('idempotency_records')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst()

export const insertIdempotencyRecord = (db: Tx, row: Insertable<IdempotencyRecordTable>) =>
  db.insertInto('idempotency_records').values(row).execute()

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
