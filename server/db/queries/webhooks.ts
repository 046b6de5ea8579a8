import type { Insertable, Updateable } from 'kysely'
import type { Tx } from '../connection.js'
import type { WebhookDeliveryTable, WebhookEndpointTable, WebhookEventTable } from '../schema-webhooks.js'

/** A business's webhook endpoints, the events written for them, and what the console shows of them. */

export const endpointsOf = (db: Tx, merchantId: string) =>
  db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()

export const endpointOf = (db: Tx, merchantId: string, id: string) =>
  db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst()

/** The active endpoints of a business, for fanning an event out (one indexed read in the causing transaction). */
export const activeEndpoints = (db: Tx, merchantId: string) =>
  db
    .selectFrom('webhook_endpoints')
    .select(['id', 'events'])
    .where('merchant_id', '=', merchantId)
    .where('state', '=', 'active')
    .execute()

export const insertEndpoint = (db: Tx, row: Insertable<WebhookEndpointTable>) =>
  db.insertInto('webhook_endpoints').values(row).execute()

export const updateEndpoint = (db: Tx, id: string, set: Updateable<WebhookEndpointTable>) =>
  db.updateTable('webhook_endpoints').set(set).where('id', '=', id).execute()

/** Deleting an endpoint deletes its deliveries and their attempts; the events stay for other endpoints. */
export async function deleteEndpoint(db: Tx, id: string): Promise<void> {
  const deliveries = db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id)
  await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries).execute()
  await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute()
  await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute()
}

/** Writes an event once: false when its dedupe key was written already (a job's event found again). */
export async function insertEvent(db: Tx, row: Insertable<WebhookEventTable>): Promise<boolean> {
  const r = await db
    .insertInto('webhook_events')
    .values(row)
    .onConflict((oc) => oc.columns(['merchant_id', 'dedupe_key']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1
}

export const insertDeliveries = (db: Tx, rows: Insertable<WebhookDeliveryTable>[]) =>
  rows.length ? db.insertInto('webhook_deliveries').values(rows).execute() : Promise.resolve([])

export const eventOf = (db: Tx, merchantId: string, id: string) =>
  db
    .selectFrom('webhook_events')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst()

/** An endpoint's latest deliveries with their event's type, newest first. */
export const recentDeliveries = (db: Tx, endpointId: string, limit: number) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.event_id',
      'e.type',
      'd.state',
      'd.attempts',
      'd.not_before',
      'd.last_status',
      'd.last_error',
      'd.last_duration_ms',
      'd.delivered_at',
      'd.created_at',
    ])
    .where('d.endpoint_id', '=', endpointId)
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute()

export const deliveryOf = (db: Tx, merchantId: string, id: string) =>
  db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst()

/** The queued deliveries of an endpoint that was disabled fail with the reason. */
export const failQueuedOf = (db: Tx, endpointId: string, error: string) =>
  db
    .updateTable('webhook_deliveries')
    .set({ state: 'failed', last_error: error })
    .where('endpoint_id', '=', endpointId)
    .where('state', '=', 'queued')
    .execute()

/** The owners of a business, who are told when an endpoint is disabled. */
export const ownerEmails = async (db: Tx, merchantId: string) =>
  (
    await db
      .selectFrom('staff')
      .select('email')
      .where('merchant_id', '=', merchantId)
      .where('role', '=', 'owner')
      .where('active', '=', 1)
      .execute()
  ).map((r) => r.email)

/** Businesses with an active endpoint listening for `type` (the events a job looks for). */
export const merchantsListening = async (db: Tx, type: string) =>
  (
    await db
      .selectFrom('webhook_endpoints')
      .select('merchant_id')
      .distinct()
      .where('state', '=', 'active')
      .where('events', 'like', `%"${type}"%`)
      .execute()
  ).map((r) => r.merchant_id)
