import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { WEBHOOK_EVENT_DATA, webhookEnvelope } from '../contract/webhook-events.js'
import { TEST_EVENT_TYPE } from '../contract/webhooks.js'
import type { AppEnv } from '../middleware/env.js'

const Headers = z.object({
  'webhook-id': z.string().describe('The event id (evt_…): the same on every retry and resend; deduplicate on it'),
  'webhook-timestamp': z
    .string()
    .describe('Unix seconds when this attempt was signed; refuse one more than 5 minutes off'),
  'webhook-signature': z
    .string()
    .describe(
      'Space-separated `v1,<base64 HMAC-SHA256>` of `id.timestamp.body` with the key in your whsec_ secret; two during a secret rotation, either may match',
    ),
})

const responses = {
  200: { description: 'Any 2xx: received. Answer quickly (within 15 s) and do the work afterwards' },
  410: { description: 'Gone: the endpoint is disabled and gets no more deliveries' },
  429: { description: 'Slow down: the next attempt waits for Retry-After (seconds or an HTTP date)' },
  500: {
    description: 'Any other answer, a timeout or no connection: retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h',
  },
}

/**
 * The OpenAPI document's `webhooks` section: what we POST to an integrator's endpoint, one entry per
 * event type with its body and an example (docs/webhooks.md says the rest).
 */
export function registerWebhookDocs(api: OpenAPIHono<AppEnv>): void {
  const all = {
    ...WEBHOOK_EVENT_DATA,
    [TEST_EVENT_TYPE]: {
      summary: 'A test event, sent from the console or POST /pos/v1/webhooks/{id}/test',
      data: z.object({ message: z.string() }),
      example: { message: 'A test event from Loyalty Wallet: your endpoint receives and verifies our webhooks.' },
    },
  }
  for (const [type, spec] of Object.entries(all)) {
    api.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      tags: ['webhooks'],
      summary: spec.summary,
      request: {
        headers: Headers,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: webhookEnvelope(type, spec.data),
              example: {
                id: 'evt_01966f3c-8000-7000-8000-000000000e01',
                type,
                timestamp: '2026-03-10T12:00:00.000Z',
                businessId: '01966f3c-0000-7000-8000-00000000b001',
                data: spec.example,
              },
            },
          },
        },
      },
      responses,
    })
  }
}
