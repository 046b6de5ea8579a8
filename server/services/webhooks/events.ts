import type { WebhookEventType } from '../../contract/webhooks.js'
import type { Tx } from '../../db/connection.js'
import { activeEndpoints, insertDeliveries, insertEvent } from '../../db/queries/webhooks.js'
import { newId } from '../../domain/ids.js'

export interface EmitOptions {
  /** For events found by a job: written once per key and business. */
  dedupeKey?: string
  /** Only to this endpoint, subscribed or not (the test event). */
  endpointId?: string
  /** The business's active endpoints, when the caller read them in this transaction (read here otherwise). */
  endpoints?: readonly { id: string; events: string }[] | undefined
}

/** Event ids: the `webhook-id` header and the body's `id`; `evt_` and a UUIDv7. */
export const newEventId = () => `evt_${newId()}`

/**
 * Writes an event of `type` to the outbox in the caller's transaction, with one delivery per active
 * endpoint of the business that subscribed to it; nothing when none did. The event commits or rolls
 * back with the change that caused it, so an integrator never hears of a change that did not happen.
 * Returns the event id, or null when nothing was written.
 */
export async function emitEvent(
  tx: Tx,
  merchantId: string,
  type: WebhookEventType | 'webhook.test',
  /** The event's data, or a function that reads it (only called when some endpoint listens). */
  data: Record<string, unknown> | (() => Promise<Record<string, unknown>>),
  now: Date,
  opts: EmitOptions = {},
): Promise<string | null> {
  const endpoints = (opts.endpoints ?? (await activeEndpoints(tx, merchantId))).filter((e) =>
    opts.endpointId ? e.id === opts.endpointId : (JSON.parse(e.events) as string[]).includes(type),
  )
  if (!endpoints.length) return null
  const id = newEventId()
  const at = now.toISOString()
  const body = typeof data === 'function' ? await data() : data
  const payload = JSON.stringify({ id, type, timestamp: at, businessId: merchantId, data: body })
  const written = await insertEvent(tx, {
    id,
    merchant_id: merchantId,
    type,
    payload,
    dedupe_key: opts.dedupeKey ?? null,
    created_at: at,
  })
  if (!written) return null
  await insertDeliveries(
    tx,
    endpoints.map((e) => ({
      id: newId(),
      event_id: id,
      endpoint_id: e.id,
      merchant_id: merchantId,
      state: 'queued' as const,
      attempts: 0,
      not_before: at,
      created_at: at,
    })),
  )
  return id
}

/** The ledger kinds and the event each is heard as. */
export const LEDGER_EVENT: Record<string, WebhookEventType> = {
  earn: 'points.earned',
  bonus: 'points.earned',
  redeem: 'points.spent',
  adjust: 'points.adjusted',
  reversal: 'points.adjusted',
  transfer: 'points.adjusted',
  expire: 'points.expired',
}
