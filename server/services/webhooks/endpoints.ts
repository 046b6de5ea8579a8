import {
  WEBHOOK_EVENT_TYPES,
  type CreateWebhookEndpoint,
  type UpdateWebhookEndpoint,
  type WebhookEndpointDto,
  type WebhookEventType,
} from '../../contract/webhooks.js'
import { writeTx } from '../../db/connection.js'
import { disableEndpoint } from '../../db/queries/webhook-outbox.js'
import {
  deleteEndpoint as deleteEndpointRows,
  endpointOf,
  endpointsOf,
  failQueuedOf,
  insertEndpoint,
  updateEndpoint as updateEndpointRow,
} from '../../db/queries/webhooks.js'
import type { WebhookEndpointTable } from '../../db/schema-webhooks.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import { newWebhookSecret } from '../../domain/webhook-rules.js'
import type { Actor, Deps } from '../common/deps.js'
import { assertEndpointAllowed } from './address-guard.js'
import { policyOf } from './endpoint-state.js'

/** Endpoints a business may have: enough for a POS, a CRM and a marketing tool with room to spare. */
export const MAX_ENDPOINTS = 10

export function toEndpointDto(e: WebhookEndpointTable, now: Date): WebhookEndpointDto {
  const grace = e.previous_secret_until && e.previous_secret_until > now.toISOString() ? e.previous_secret_until : null
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: JSON.parse(e.events) as WebhookEventType[],
    state: e.state,
    disabledReason: e.disabled_reason,
    disabledDetail: e.disabled_detail,
    disabledAt: e.disabled_at,
    failingSince: e.failing_since,
    lastSuccessAt: e.last_success_at,
    previousSecretUntil: grace,
    createdAt: e.created_at,
  }
}

/** The endpoint of the actor's business, or 404 (another business's endpoint is not found either). */
export async function ownEndpoint(deps: Deps, actor: Actor, id: string) {
  const e = await endpointOf(deps.db, actor.merchantId, id)
  if (!e) throw new DomainError('not_found', 'No such webhook endpoint.')
  return e
}

export async function listEndpoints(deps: Deps, actor: Actor) {
  const now = deps.clock.now()
  return {
    endpoints: (await endpointsOf(deps.db, actor.merchantId)).map((e) => toEndpointDto(e, now)),
    eventTypes: [...WEBHOOK_EVENT_TYPES],
  }
}

/** A new endpoint, active at once; its secret is in this answer and never again. */
export async function createEndpoint(deps: Deps, actor: Actor, req: CreateWebhookEndpoint) {
  await assertEndpointAllowed(req.url, policyOf(deps))
  const now = deps.clock.now()
  const at = now.toISOString()
  const secret = newWebhookSecret()
  const row: WebhookEndpointTable = {
    id: newId(),
    merchant_id: actor.merchantId,
    url: req.url,
    description: req.description,
    events: JSON.stringify([...new Set(req.events)]),
    secret,
    previous_secret: null,
    previous_secret_until: null,
    state: 'active',
    disabled_reason: null,
    disabled_detail: null,
    disabled_at: null,
    failing_since: null,
    last_success_at: null,
    created_at: at,
    updated_at: at,
  }
  await writeTx(deps.db, async (tx) => {
    if ((await endpointsOf(tx, actor.merchantId)).length >= MAX_ENDPOINTS)
      throw new DomainError('validation_failed', `A business can have at most ${MAX_ENDPOINTS} webhook endpoints.`, [
        { path: 'url', message: `at most ${MAX_ENDPOINTS} endpoints` },
      ])
    await insertEndpoint(tx, row)
  })
  return { endpoint: toEndpointDto(row, now), secret }
}

/** Changes the address, description or events; `enabled` turns it on again (clearing why it was off) or off. */
export async function updateEndpoint(deps: Deps, actor: Actor, id: string, req: UpdateWebhookEndpoint) {
  const e = await ownEndpoint(deps, actor, id)
  if (req.url !== undefined && req.url !== e.url) await assertEndpointAllowed(req.url, policyOf(deps))
  const now = deps.clock.now()
  const at = now.toISOString()
  await writeTx(deps.db, async (tx) => {
    await updateEndpointRow(tx, e.id, {
      ...(req.url !== undefined ? { url: req.url } : {}),
      ...(req.description !== undefined ? { description: req.description } : {}),
      ...(req.events !== undefined ? { events: JSON.stringify([...new Set(req.events)]) } : {}),
      ...(req.enabled === true && e.state === 'disabled'
        ? { state: 'active', disabled_reason: null, disabled_detail: null, disabled_at: null, failing_since: null }
        : {}),
      updated_at: at,
    })
    if (req.enabled === false && (await disableEndpoint(tx, e.id, 'owner', 'Disabled by the business.', at)))
      await failQueuedOf(tx, e.id, 'endpoint disabled: owner')
  })
  return toEndpointDto((await endpointOf(deps.db, actor.merchantId, id))!, now)
}

/**
 * A new secret; the old one keeps signing beside it for `graceHours` (both signatures in the
 * header), so the receiver can switch without losing a delivery.
 */
export async function rotateSecret(deps: Deps, actor: Actor, id: string, graceHours: number) {
  const e = await ownEndpoint(deps, actor, id)
  const now = deps.clock.now()
  const secret = newWebhookSecret()
  const until = graceHours > 0 ? new Date(now.getTime() + graceHours * 3_600_000).toISOString() : null
  await writeTx(deps.db, (tx) =>
    updateEndpointRow(tx, e.id, {
      secret,
      previous_secret: until ? e.secret : null,
      previous_secret_until: until,
      updated_at: now.toISOString(),
    }),
  )
  return { endpoint: toEndpointDto((await endpointOf(deps.db, actor.merchantId, id))!, now), secret }
}

export async function deleteEndpoint(deps: Deps, actor: Actor, id: string): Promise<void> {
  const e = await ownEndpoint(deps, actor, id)
  await writeTx(deps.db, (tx) => deleteEndpointRows(tx, e.id))
}
