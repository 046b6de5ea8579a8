import { z } from 'zod'
import type { WebhookEventType } from './webhooks.js'

/*
 * What each webhook event's body holds, with an example, for the OpenAPI document's `webhooks`
 * section. Every body is `{ id, type, timestamp, businessId, data }`; `id` is also the `webhook-id`
 * header, the same on every retry and resend: deduplicate on it. No name, email or birthday: an
 * integrator reads those through the API.
 */

const Card = { cardId: z.string(), cardNumber: z.string() }
const Entry = {
  ...Card,
  entryId: z.string(),
  /** The ledger kind: earn, bonus, redeem, adjust, reversal, expire, transfer. */
  kind: z.string(),
  points: z.number().int(),
  balanceAfter: z.number().int(),
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  locationId: z.string().nullable(),
  staffId: z.string().nullable(),
  apiKeyId: z.string().nullable(),
}

const ids = { cardId: '01966f3c-5b1e-7c2a-9d4e-1a2b3c4d5e6f', cardNumber: 'K7M2QX9P' }
const entry = (kind: string, points: number, balanceAfter: number) => ({
  ...ids,
  entryId: '01966f3c-6a00-7000-8000-0000000000e1',
  kind,
  points,
  balanceAfter,
  amountMinor: kind === 'earn' ? 1250 : null,
  currency: kind === 'earn' ? 'EUR' : null,
  locationId: null,
  staffId: '01966f3c-0000-7000-8000-00000000051a',
  apiKeyId: null,
})

export const WEBHOOK_EVENT_DATA = {
  'member.joined': {
    summary: 'A member joined the program (a new card)',
    data: z.object({ ...Card, marketingConsent: z.boolean(), joinedLocationId: z.string().nullable() }),
    example: { ...ids, marketingConsent: true, joinedLocationId: null },
  },
  'member.erased': {
    summary: 'A member deleted their account: the card is closed and their personal data erased',
    data: z.object(Card),
    example: ids,
  },
  'points.earned': {
    summary: 'Points were earned: a purchase, a bonus, survey thanks (kind earn or bonus)',
    data: z.object(Entry),
    example: entry('earn', 12, 140),
  },
  'points.spent': {
    summary: 'Points were spent on a reward (kind redeem)',
    data: z.object(Entry),
    example: entry('redeem', -100, 40),
  },
  'points.adjusted': {
    summary: 'Staff adjusted a balance, undid an award, or a wallet merge moved points (adjust, reversal, transfer)',
    data: z.object(Entry),
    example: entry('adjust', -10, 130),
  },
  'points.expiring': {
    summary: 'Points will expire soon (once per card and expiry date, 14 days ahead)',
    data: z.object({ ...Card, points: z.number().int(), expiresAt: z.string(), balance: z.number().int() }),
    example: { ...ids, points: 30, expiresAt: '2026-04-01T00:00:00.000Z', balance: 140 },
  },
  'points.expired': {
    summary: 'Points expired (kind expire)',
    data: z.object(Entry),
    example: { ...entry('expire', -30, 110), staffId: null },
  },
  'tier.changed': {
    summary: 'A member moved up or down a tier',
    data: z.object({
      ...Card,
      fromTier: z.string().nullable(),
      toTier: z.string().nullable(),
      direction: z.enum(['up', 'down']),
    }),
    example: { ...ids, fromTier: 'Silver', toTier: 'Gold', direction: 'up' },
  },
  'reward.redeemed': {
    summary: 'A member redeemed a reward for points; its coupon was issued',
    data: z.object({
      ...Card,
      rewardId: z.string(),
      entryId: z.string(),
      points: z.number().int(),
      balanceAfter: z.number().int(),
      couponId: z.string(),
    }),
    example: {
      ...ids,
      rewardId: '01966f3c-7000-7000-8000-00000000ae01',
      entryId: '01966f3c-6a00-7000-8000-0000000000e2',
      points: -100,
      balanceAfter: 40,
      couponId: '01966f3c-7000-7000-8000-00000000c001',
    },
  },
  'coupon.issued': {
    summary: 'A coupon was issued to a card (a reward, a full stamp card, a campaign, an automation)',
    data: z.object({
      ...Card,
      couponId: z.string(),
      source: z.string(),
      rewardId: z.string().nullable(),
      validFrom: z.string(),
      validUntil: z.string().nullable(),
    }),
    example: {
      ...ids,
      couponId: '01966f3c-7000-7000-8000-00000000c001',
      source: 'reward',
      rewardId: '01966f3c-7000-7000-8000-00000000ae01',
      validFrom: '2026-03-10T12:00:00.000Z',
      validUntil: '2026-04-09T12:00:00.000Z',
    },
  },
  'coupon.redeemed': {
    summary: 'A coupon was used at the till',
    data: z.object({
      ...Card,
      couponId: z.string(),
      redemptionId: z.string(),
      locationId: z.string().nullable(),
      staffId: z.string().nullable(),
      apiKeyId: z.string().nullable(),
    }),
    example: {
      ...ids,
      couponId: '01966f3c-7000-7000-8000-00000000c001',
      redemptionId: '01966f3c-7100-7000-8000-00000000d001',
      locationId: null,
      staffId: '01966f3c-0000-7000-8000-00000000051a',
      apiKeyId: null,
    },
  },
  'stampcard.completed': {
    summary: 'A stamp card filled up; its coupon was issued',
    data: z.object({ ...Card, stampCardId: z.string(), stamps: z.number().int(), couponId: z.string().nullable() }),
    example: {
      ...ids,
      stampCardId: '01966f3c-7000-7000-8000-0000000005c1',
      stamps: 10,
      couponId: '01966f3c-7000-7000-8000-00000000c002',
    },
  },
  'feedback.received': {
    summary: 'A member rated a visit or answered a survey (scores only; comments stay in the console)',
    data: z.object({
      ...Card,
      responseId: z.string(),
      kind: z.enum(['visit', 'survey']),
      surveyId: z.string().nullable(),
      rating: z.number().int().nullable(),
    }),
    example: {
      ...ids,
      responseId: '01966f3c-7200-7000-8000-00000000f001',
      kind: 'visit',
      surveyId: null,
      rating: 5,
    },
  },
} satisfies Record<WebhookEventType, { summary: string; data: z.ZodType; example: unknown }>

/** The body of an event of `type` with `data`. */
export const webhookEnvelope = <T extends z.ZodType>(type: string, data: T) =>
  z.object({
    id: z.string().describe('The event id, equal to the webhook-id header; the same on every retry'),
    type: z.literal(type),
    timestamp: z.string().describe('When it happened (ISO 8601, UTC)'),
    businessId: z.string(),
    data,
  })
