import { z } from 'zod'
import { ErrorBody, IdempotencyHeaders } from '../contract/common.js'
import {
  CardPerks,
  CouponAtTill,
  Coupon,
  CouponCodeRequest,
  CouponRedeemed,
  HandleRequest,
  RedeemRewardResponse,
  Reward,
  RewardInput,
  StampCardConfig,
  StampCardSettings,
  StampRequest,
  StampResponse,
} from '../contract/rewards.js'
import { requireCustomer, requireStaff } from '../middleware/auth.js'
import { couponsOnCard, lookupCoupon, redeemCoupon } from '../services/perks/coupons.js'
import { cardPerks, createReward, listRewards, redeemReward, updateRewardById } from '../services/perks/rewards.js'
import { addStamp, saveStampCard, stampCardSettings } from '../services/perks/stamps.js'
import { E400, E401, E403, E404, E409, E410, E422, createRoute, json, jsonBody, router } from './openapi.js'

const ownerOrManager = requireStaff('owner', 'manager')
const IdParam = z.object({ id: z.string().max(64) })

/** Rewards catalog and stamp card (console), the member's perks and reward redemption, coupons and stamps at the till. */
export const rewardRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/rewards',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(z.object({ rewards: z.array(Reward) }), 'The rewards catalog, inactive ones included'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json({ rewards: await listRewards(c.var.deps, c.var.actor.merchantId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/rewards',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(RewardInput) },
      responses: { 201: json(Reward, 'The new reward'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await createReward(c.var.deps, c.var.actor.merchantId, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/rewards/{id}',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { params: IdParam, body: jsonBody(RewardInput) },
      responses: {
        200: json(Reward, 'The reward as saved (active: false deactivates it)'),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
      },
    }),
    async (c) =>
      c.json(
        await updateRewardById(c.var.deps, c.var.actor.merchantId, c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/stamp-card',
      tags: ['merchant'],
      middleware: [requireStaff()] as const,
      responses: { 200: json(StampCardConfig, 'The stamp card settings, or null when there is none'), ...E401 },
    }),
    async (c) => c.json({ stampCard: await stampCardSettings(c.var.deps, c.var.actor.merchantId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/stamp-card',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(StampCardSettings) },
      responses: { 200: json(StampCardConfig, 'The saved settings'), ...E400, ...E401, ...E403 },
    }),
    async (c) =>
      c.json({ stampCard: await saveStampCard(c.var.deps, c.var.actor.merchantId, c.req.valid('json')) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/cards/{id}/perks',
      tags: ['customer'],
      middleware: [requireCustomer] as const,
      request: { params: IdParam },
      responses: {
        200: json(CardPerks, 'Rewards to redeem, coupons (usable first, soonest expiring first) and stamps'),
        ...E401,
        ...E404,
      },
    }),
    async (c) => c.json(await cardPerks(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/cards/{id}/rewards/{rewardId}/redeem',
      tags: ['customer'],
      middleware: [requireCustomer] as const,
      request: {
        params: z.object({ id: z.string().max(64), rewardId: z.string().max(64) }),
        headers: IdempotencyHeaders,
      },
      responses: {
        201: json(RedeemRewardResponse, 'Points debited with a redeem entry and the coupon issued'),
        ...E400,
        ...E401,
        // business_suspended
        ...E403,
        ...E404,
        ...E409,
        ...E422,
      },
    }),
    async (c) => {
      const { id, rewardId } = c.req.valid('param')
      const r = await redeemReward(
        c.var.deps,
        c.var.customer!.customerId!,
        id,
        rewardId,
        c.req.valid('header')['idempotency-key'],
      )
      return c.json(r.body, 201)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/staff/coupons/on-card',
      tags: ['till'],
      middleware: [requireStaff()] as const,
      request: { body: jsonBody(HandleRequest) },
      responses: {
        200: json(
          z.object({ coupons: z.array(Coupon) }),
          'Usable coupons of the card a scan opened, soonest expiring first',
        ),
        ...E400,
        ...E401,
        ...E410,
      },
    }),
    async (c) => c.json({ coupons: await couponsOnCard(c.var.deps, c.var.actor, c.req.valid('json').handle) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/staff/coupons/lookup',
      tags: ['till'],
      middleware: [requireStaff()] as const,
      request: { body: jsonBody(CouponCodeRequest) },
      responses: {
        200: json(CouponAtTill, 'The coupon and its member; nothing is changed'),
        ...E400,
        ...E401,
        ...E404,
      },
    }),
    async (c) => c.json(await lookupCoupon(c.var.deps, c.var.actor, c.req.valid('json').code), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/staff/coupons/redeem',
      tags: ['till'],
      middleware: [requireStaff()] as const,
      request: { headers: IdempotencyHeaders, body: jsonBody(CouponCodeRequest) },
      responses: {
        200: json(CouponRedeemed, 'Redeemed; a replay of the same Idempotency-Key returns this answer again'),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
        409: json(ErrorBody, 'coupon_already_used: this coupon has already been used'),
        422: json(ErrorBody, 'coupon_not_valid_now: the message and details say when it is valid'),
      },
    }),
    async (c) => {
      const r = await redeemCoupon(
        c.var.deps,
        c.var.actor,
        c.req.valid('json').code,
        c.req.valid('header')['idempotency-key'],
        c.req.valid('json').locationId,
      )
      return c.json(r.body, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/staff/stamps',
      tags: ['till'],
      middleware: [requireStaff()] as const,
      request: { headers: IdempotencyHeaders, body: jsonBody(StampRequest) },
      responses: {
        201: json(StampResponse, 'A stamp on the card a scan opened; a full card also returns the coupon it earned'),
        ...E400,
        ...E401,
        ...E403,
        ...E409,
        ...E410,
        ...E422,
      },
    }),
    async (c) => {
      const r = await addStamp(c.var.deps, c.var.actor, c.req.valid('json'), c.req.valid('header')['idempotency-key'])
      return c.json(r.body, 201)
    },
  )
