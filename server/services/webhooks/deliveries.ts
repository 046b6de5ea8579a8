import { TEST_EVENT_TYPE, type WebhookDeliveryDto } from '../../contract/webhooks.js'
import { writeTx } from '../../db/connection.js'
import { attemptsOf } from '../../db/queries/webhook-outbox.js'
import { deliveryOf, eventOf, insertDeliveries, recentDeliveries } from '../../db/queries/webhooks.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import type { Actor, Deps } from '../common/deps.js'
import { ownEndpoint } from './endpoints.js'
import { emitEvent } from './events.js'

/** How many of an endpoint's deliveries the console lists. */
export const RECENT_DELIVERIES = 50

type Row = Awaited<ReturnType<typeof recentDeliveries>>[number]
const toDeliveryDto = (d: Row): WebhookDeliveryDto => ({
  id: d.id,
  eventId: d.event_id,
  eventType: d.type,
  state: d.state,
  attempts: d.attempts,
  lastStatus: d.last_status,
  lastError: d.last_error,
  lastDurationMs: d.last_duration_ms,
  nextAttemptAt: d.state === 'queued' ? d.not_before : null,
  deliveredAt: d.delivered_at,
  createdAt: d.created_at,
})

export async function listDeliveries(deps: Deps, actor: Actor, endpointId: string) {
  const e = await ownEndpoint(deps, actor, endpointId)
  return { deliveries: (await recentDeliveries(deps.db, e.id, RECENT_DELIVERIES)).map(toDeliveryDto) }
}

/** One delivery with every attempt (for a closer look, and for tests). */
export async function deliveryAttempts(deps: Deps, actor: Actor, deliveryId: string) {
  const d = await deliveryOf(deps.db, actor.merchantId, deliveryId)
  if (!d) throw new DomainError('not_found', 'No such delivery.')
  return attemptsOf(deps.db, d.id)
}

function assertActive(state: string) {
  if (state !== 'active')
    throw new DomainError('webhook_endpoint_disabled', 'This endpoint is disabled: enable it first.')
}

/**
 * Sends a delivery's event again, now, as a new delivery to the same endpoint with the same event
 * (so the same webhook-id: a receiver that already has it ignores it).
 */
export async function resendDelivery(deps: Deps, actor: Actor, deliveryId: string) {
  const d = await deliveryOf(deps.db, actor.merchantId, deliveryId)
  if (!d) throw new DomainError('not_found', 'No such delivery.')
  const e = await ownEndpoint(deps, actor, d.endpoint_id)
  assertActive(e.state)
  const event = (await eventOf(deps.db, actor.merchantId, d.event_id))!
  const at = deps.clock.now().toISOString()
  const id = newId()
  await writeTx(deps.db, (tx) =>
    insertDeliveries(tx, [
      {
        id,
        event_id: event.id,
        endpoint_id: e.id,
        merchant_id: actor.merchantId,
        state: 'queued',
        attempts: 0,
        not_before: at,
        created_at: at,
      },
    ]),
  )
  return { deliveryId: id, eventId: event.id }
}

/** A `webhook.test` event to one endpoint, whatever it subscribed to. */
export async function sendTestEvent(deps: Deps, actor: Actor, endpointId: string) {
  const e = await ownEndpoint(deps, actor, endpointId)
  assertActive(e.state)
  const now = deps.clock.now()
  const eventId = await writeTx(deps.db, (tx) =>
    emitEvent(
      tx,
      actor.merchantId,
      TEST_EVENT_TYPE,
      { message: 'A test event from Loyalty Wallet: your endpoint receives and verifies our webhooks.' },
      now,
      { endpointId: e.id },
    ),
  )
  return { eventId: eventId! }
}
