import type { Tx } from '../connection.js'
import type { WebhookDeliveryTable } from '../schema-webhooks.js'

/** The webhook outbox: deliveries claimed under a lease, sent, retried, and handed back after a crash. */

/**
 * Due deliveries of active endpoints, oldest first, with what signing and sending need. For a claim
 * in a write transaction: on PostgreSQL each row is held (FOR UPDATE OF the delivery) and rows another
 * process holds are skipped (SKIP LOCKED), so senders in several processes take different rows.
 */
export const dueDeliveries = (db: Tx, now: string, limit: number) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .innerJoin('webhook_endpoints as p', 'p.id', 'd.endpoint_id')
    .select([
      'd.id',
      'd.event_id',
      'd.endpoint_id',
      'd.merchant_id',
      'd.attempts',
      'e.payload',
      'p.url',
      'p.secret',
      'p.previous_secret',
      'p.previous_secret_until',
    ])
    .where('d.state', '=', 'queued')
    .where('d.not_before', '<=', now)
    .where('p.state', '=', 'active')
    .orderBy('d.not_before')
    .orderBy('d.id')
    .limit(limit)
    .forUpdate(['d'])
    .skipLocked()
    .execute()
export type DueDelivery = Awaited<ReturnType<typeof dueDeliveries>>[number]

/** Claims rows until `until` (the lease); only rows still queued move, so two claimers never share one. */
export async function claimDeliveries(db: Tx, ids: string[], until: string): Promise<number> {
  if (!ids.length) return 0
  const r = await db
    .updateTable('webhook_deliveries')
    .set({ state: 'sending', claimed_until: until })
    .where('id', 'in', ids)
    .where('state', '=', 'queued')
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/**
 * Deliveries left in `sending` by a process that stopped are queued again, to be sent now: at least
 * once, and the receiver deduplicates on the webhook-id. `expiredOnly`: only rows whose lease ran out
 * (other processes may be sending the rest right now); otherwise every row in `sending`.
 */
export async function requeueInterrupted(db: Tx, now: string, expiredOnly: boolean): Promise<number> {
  let q = db
    .updateTable('webhook_deliveries')
    .set({ state: 'queued', not_before: now, claimed_until: null })
    .where('state', '=', 'sending')
  if (expiredOnly) q = q.where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
  const r = await q.executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** The outcome of one attempt, only while this process still holds the row (its claim). */
export const settleDelivery = (
  db: Tx,
  id: string,
  set: Pick<WebhookDeliveryTable, 'state' | 'attempts' | 'last_status' | 'last_error' | 'last_duration_ms'> &
    Partial<Pick<WebhookDeliveryTable, 'not_before' | 'delivered_at'>>,
) =>
  db
    .updateTable('webhook_deliveries')
    .set({ ...set, claimed_until: null })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .execute()

export const insertAttempt = (
  db: Tx,
  row: {
    id: string
    delivery_id: string
    status: number
    error: string | null
    duration_ms: number
    created_at: string
  },
) => db.insertInto('webhook_attempts').values(row).execute()

export const attemptsOf = (db: Tx, deliveryId: string) =>
  db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()

/** An endpoint's health after an attempt: success clears failing_since, a failure starts it. */
export const markEndpointSuccess = (db: Tx, id: string, now: string) =>
  db.updateTable('webhook_endpoints').set({ failing_since: null, last_success_at: now }).where('id', '=', id).execute()

export const markEndpointFailing = (db: Tx, id: string, now: string) =>
  db
    .updateTable('webhook_endpoints')
    .set({ failing_since: now })
    .where('id', '=', id)
    .where('failing_since', 'is', null)
    .execute()

/** Disables an active endpoint; true when this call did it (so the owner is told once). */
export async function disableEndpoint(
  db: Tx,
  id: string,
  reason: 'gone' | 'failing' | 'owner',
  detail: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('webhook_endpoints')
    .set({ state: 'disabled', disabled_reason: reason, disabled_detail: detail, disabled_at: now, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'active')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * The endpoint row held until the commit: a settling attempt and a concurrent disable take it in turn, so a
 * retry is never queued after the disable has failed the endpoint's queue. FOR NO KEY UPDATE, as the disable's
 * UPDATE takes, so events queued for the endpoint meanwhile (their key share on it) do not wait.
 */
export const lockedEndpointState = (db: Tx, id: string) =>
  db
    .selectFrom('webhook_endpoints')
    .select(['state', 'failing_since'])
    .where('id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst()

export const endpointHealth = (db: Tx, id: string) =>
  db
    .selectFrom('webhook_endpoints')
    .select(['id', 'merchant_id', 'url', 'state', 'failing_since'])
    .where('id', '=', id)
    .executeTakeFirst()
