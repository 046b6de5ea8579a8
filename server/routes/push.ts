import { z } from 'zod'
import {
  CreateOffer,
  Offer,
  PushClick,
  PushFigures,
  PushPreferences,
  PushPreferencesUpdate,
  PushSettingsDto,
  PushSubscriptionBody,
  PushUnsubscribeBody,
  VapidPublicKey,
} from '../contract/push.js'
import { requireCustomer, requireStaff } from '../middleware/auth.js'
import {
  clickNotification,
  createOffer,
  figures,
  getPreferences,
  getPushSettings,
  listOffers,
  setPreferences,
  subscribeDevice,
  unsubscribeDevice,
  vapidPublicKey,
  updatePushSettings,
} from '../services/push/admin.js'
import { E400, E401, E403, E404, createRoute, json, jsonBody, router } from './openapi.js'

const ownerOrManager = requireStaff('owner', 'manager')
const CardParam = z.object({ id: z.string().max(64) })

/** Web Push: the VAPID key, devices, a member's switches, clicks, and the console's settings, offers and figures. */
export const pushRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/push/public-key',
      tags: ['push'],
      responses: { 200: json(VapidPublicKey, 'The VAPID public key for pushManager.subscribe') },
    }),
    async (c) => c.json({ publicKey: vapidPublicKey(c.var.deps) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/push/subscriptions',
      tags: ['push'],
      middleware: [requireCustomer] as const,
      request: { body: jsonBody(PushSubscriptionBody) },
      responses: {
        201: json(z.object({ id: z.string() }), 'This device will get pushes for the cards in this wallet'),
        ...E400,
        ...E401,
      },
    }),
    async (c) =>
      c.json(
        await subscribeDevice(
          c.var.deps,
          c.var.customer!.customerId!,
          c.req.valid('json'),
          c.req.header('user-agent') ?? null,
        ),
        201,
      ),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/push/unsubscribe',
      tags: ['push'],
      middleware: [requireCustomer] as const,
      request: { body: jsonBody(PushUnsubscribeBody) },
      responses: { 204: { description: 'This device gets no more pushes' }, ...E400, ...E401 },
    }),
    async (c) => {
      await unsubscribeDevice(c.var.deps, c.var.customer!.customerId!, c.req.valid('json').endpoint)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/cards/{id}/push-preferences',
      tags: ['push'],
      middleware: [requireCustomer] as const,
      request: { params: CardParam },
      responses: {
        200: json(PushPreferences, 'Which kinds of push this member gets from this merchant'),
        ...E401,
        ...E404,
      },
    }),
    async (c) => c.json(await getPreferences(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/me/cards/{id}/push-preferences',
      tags: ['push'],
      middleware: [requireCustomer] as const,
      request: { params: CardParam, body: jsonBody(PushPreferencesUpdate) },
      responses: { 200: json(PushPreferences, 'Saved'), ...E400, ...E401, ...E404 },
    }),
    async (c) =>
      c.json(
        await setPreferences(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/push/clicks',
      tags: ['push'],
      request: { body: jsonBody(PushClick) },
      responses: { 204: { description: 'Counted (once per notification)' }, ...E400 },
    }),
    async (c) => {
      await clickNotification(c.var.deps, c.req.valid('json').notificationId)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/push/settings',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: { 200: json(PushSettingsDto, 'Quiet hours, daily cap and the automations'), ...E401, ...E403 },
    }),
    async (c) => c.json(await getPushSettings(c.var.deps, c.var.actor.merchantId), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/push/settings',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(PushSettingsDto) },
      responses: { 200: json(PushSettingsDto, 'Saved'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await updatePushSettings(c.var.deps, c.var.actor.merchantId, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/push/offers',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(z.object({ offers: z.array(Offer) }), 'Offers, newest first, with recipients and clicks'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json({ offers: await listOffers(c.var.deps, c.var.actor.merchantId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/push/offers',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(CreateOffer) },
      responses: {
        201: json(Offer, 'Scheduled; sent at sendAt (now when omitted) to the segment'),
        ...E400,
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await createOffer(c.var.deps, c.var.actor, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/push/figures',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(PushFigures, 'Opt-in, delivery and click figures for the last 30 days'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await figures(c.var.deps, c.var.actor.merchantId), 200),
  )
