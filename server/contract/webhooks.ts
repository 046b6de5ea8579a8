import { z } from 'zod'
import { Text } from './fields.js'
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types.js'

export { WEBHOOK_EVENT_TYPES }
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES)
export type WebhookEventType = z.infer<typeof WebhookEventType>
/** Sent only to the endpoint it was asked for, from the console or the API. */
export const TEST_EVENT_TYPE = 'webhook.test'

/* ---- endpoints ---- */

const WebhookUrl = z
  .string()
  .trim()
  .max(2048, 'at most 2,048 characters')
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'an https:// address')

export const CreateWebhookEndpoint = z
  .object({
    url: WebhookUrl,
    description: Text(200, 0).default(''),
    events: z.array(WebhookEventType).min(1, 'pick at least one event').max(WEBHOOK_EVENT_TYPES.length),
  })
  .meta({ id: 'CreateWebhookEndpoint' })
export type CreateWebhookEndpoint = z.infer<typeof CreateWebhookEndpoint>

export const UpdateWebhookEndpoint = z
  .object({
    url: WebhookUrl.optional(),
    description: Text(200, 0).optional(),
    events: z.array(WebhookEventType).min(1, 'pick at least one event').max(WEBHOOK_EVENT_TYPES.length).optional(),
    /** true re-enables a disabled endpoint; false disables it. */
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'UpdateWebhookEndpoint' })
export type UpdateWebhookEndpoint = z.infer<typeof UpdateWebhookEndpoint>

export const RotateWebhookSecret = z
  .object({
    /** How long the old secret keeps signing beside the new one: 0 to 7 days (default 24 h). */
    graceHours: z.number().int('a whole number from 0 to 168').min(0).max(168).default(24),
  })
  .meta({ id: 'RotateWebhookSecret' })

export const WebhookEndpointDto = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    events: z.array(WebhookEventType),
    state: z.enum(['active', 'disabled']),
    disabledReason: z.enum(['gone', 'failing', 'owner']).nullable(),
    disabledDetail: z.string().nullable(),
    disabledAt: z.string().nullable(),
    failingSince: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    /** Until when the previous secret also signs (after a rotation); null when only one signs. */
    previousSecretUntil: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' })
export type WebhookEndpointDto = z.infer<typeof WebhookEndpointDto>

/** Answers that carry the secret: creating an endpoint and rotating its secret (the only times it is shown). */
export const WebhookEndpointWithSecret = z
  .object({ endpoint: WebhookEndpointDto, secret: z.string() })
  .meta({ id: 'WebhookEndpointWithSecret' })

export const WebhookDeliveryDto = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    state: z.enum(['queued', 'sending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastDurationMs: z.number().int().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' })
export type WebhookDeliveryDto = z.infer<typeof WebhookDeliveryDto>

export const WebhookEndpointList = z
  .object({ endpoints: z.array(WebhookEndpointDto), eventTypes: z.array(WebhookEventType) })
  .meta({ id: 'WebhookEndpointList' })
export const WebhookDeliveryList = z
  .object({ deliveries: z.array(WebhookDeliveryDto) })
  .meta({ id: 'WebhookDeliveryList' })
