/**
 * Webhook endpoints and their deliveries for the console (server/routes/webhooks.ts, owners only).
 * Built into the lazy staff chunk.
 */
import type { WebhookEventType } from '../../server/contract/webhooks.js'
import { call, rpc, seg } from './client.js'

export type { WebhookDeliveryDto, WebhookEndpointDto, WebhookEventType } from '../../server/contract/webhooks.js'

/** The events an endpoint can subscribe to: the server's own list (a module without zod). */
export { WEBHOOK_EVENT_TYPES } from '../../server/contract/webhook-event-types.js'

const hooks = rpc.merchant.webhooks
const byId = (id: string) => ({ param: { id: seg(id) } })

export const webhooksApi = {
  list: () => call(hooks.$get()),
  create: (body: { url: string; description: string; events: WebhookEventType[] }) => call(hooks.$post({ json: body })),
  update: (id: string, body: { enabled?: boolean; url?: string; description?: string }) =>
    call(hooks[':id'].$patch({ ...byId(id), json: body })),
  remove: (id: string) => call(hooks[':id'].$delete(byId(id))),
  rotate: (id: string, graceHours: number) =>
    call(hooks[':id']['rotate-secret'].$post({ ...byId(id), json: { graceHours } })),
  deliveries: (id: string) => call(hooks[':id'].deliveries.$get(byId(id))),
  test: (id: string) => call(hooks[':id'].test.$post(byId(id))),
  resend: (deliveryId: string) => call(hooks.deliveries[':id'].resend.$post(byId(deliveryId))),
}
