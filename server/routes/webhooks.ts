import type { MiddlewareHandler } from 'hono'
import { z } from 'zod'
import {
  CreateWebhookEndpoint,
  RotateWebhookSecret,
  UpdateWebhookEndpoint,
  WebhookDeliveryList,
  WebhookEndpointDto,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
} from '../contract/webhooks.js'
import { requireApiKey, requireStaff } from '../middleware/auth.js'
import type { AppEnv } from '../middleware/env.js'
import { listDeliveries, resendDelivery, sendTestEvent } from '../services/webhooks/deliveries.js'
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from '../services/webhooks/endpoints.js'
import { createRoute, E400, E401, E403, E404, E409, json, jsonBody, router } from './openapi.js'

const IdParam = z.object({ id: z.string().max(64) })
const Queued = z.object({ eventId: z.string(), deliveryId: z.string().optional() })

/**
 * Webhook endpoints and their deliveries, the same routes twice: for the console (owners only) under
 * /merchant/webhooks, and for integrators with an API key under /pos/v1/webhooks. Who may act is
 * decided by the middleware; every route reaches only the actor's own business's endpoints.
 */
function webhookRoutes<B extends string>(base: B, tag: string, guard: MiddlewareHandler<AppEnv>, apiKey: boolean) {
  const security = apiKey ? { security: [{ ApiKey: [] }] } : {}
  const common = { tags: [tag], middleware: guard, ...security }
  return router()
    .openapi(
      createRoute({
        ...common,
        method: 'get',
        path: base,
        responses: { 200: json(WebhookEndpointList, 'The endpoints and the event types'), ...E401, ...E403 },
      }),
      async (c) => c.json(await listEndpoints(c.var.deps, c.var.actor), 200),
    )
    .openapi(
      createRoute({
        ...common,
        method: 'post',
        path: base,
        request: { body: jsonBody(CreateWebhookEndpoint) },
        responses: {
          201: json(WebhookEndpointWithSecret, 'Created; the secret is shown this once'),
          ...E400,
          ...E401,
          ...E403,
        },
      }),
      async (c) => c.json(await createEndpoint(c.var.deps, c.var.actor, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        ...common,
        method: 'patch',
        path: `${base}/{id}` as const,
        request: { params: IdParam, body: jsonBody(UpdateWebhookEndpoint) },
        responses: { 200: json(WebhookEndpointDto, 'Saved'), ...E400, ...E401, ...E403, ...E404 },
      }),
      async (c) =>
        c.json(await updateEndpoint(c.var.deps, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        ...common,
        method: 'delete',
        path: `${base}/{id}` as const,
        request: { params: IdParam },
        responses: { 204: { description: 'Deleted, with its deliveries' }, ...E401, ...E403, ...E404 },
      }),
      async (c) => {
        await deleteEndpoint(c.var.deps, c.var.actor, c.req.valid('param').id)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `${base}/{id}/rotate-secret` as const,
        request: { params: IdParam, body: jsonBody(RotateWebhookSecret) },
        responses: {
          200: json(
            WebhookEndpointWithSecret,
            'The new secret, shown this once; the old one signs too until the grace ends',
          ),
          ...E400,
          ...E401,
          ...E403,
          ...E404,
        },
      }),
      async (c) =>
        c.json(
          await rotateSecret(c.var.deps, c.var.actor, c.req.valid('param').id, c.req.valid('json').graceHours),
          200,
        ),
    )
    .openapi(
      createRoute({
        ...common,
        method: 'get',
        path: `${base}/{id}/deliveries` as const,
        request: { params: IdParam },
        responses: {
          200: json(WebhookDeliveryList, 'The latest 50 deliveries, newest first'),
          ...E401,
          ...E403,
          ...E404,
        },
      }),
      async (c) => c.json(await listDeliveries(c.var.deps, c.var.actor, c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `${base}/{id}/test` as const,
        request: { params: IdParam },
        responses: {
          202: json(Queued, 'A webhook.test event is queued for this endpoint'),
          ...E401,
          ...E403,
          ...E404,
          ...E409,
        },
      }),
      async (c) => c.json(await sendTestEvent(c.var.deps, c.var.actor, c.req.valid('param').id), 202),
    )
    .openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `${base}/deliveries/{id}/resend` as const,
        request: { params: IdParam },
        responses: {
          202: json(Queued, 'Queued again as a new delivery of the same event (same webhook-id)'),
          ...E401,
          ...E403,
          ...E404,
          ...E409,
        },
      }),
      async (c) => c.json(await resendDelivery(c.var.deps, c.var.actor, c.req.valid('param').id), 202),
    )
}

/** The console's: owners only (a manager or cashier gets 403). */
export const webhookConsoleRoutes = webhookRoutes('/merchant/webhooks', 'webhooks', requireStaff('owner'), false)
/** For integrators, with the business's API key. */
export const webhookApiRoutes = webhookRoutes('/pos/v1/webhooks', 'pos', requireApiKey, true)
