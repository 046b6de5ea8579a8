import { z } from 'zod'
import { Text, WholeNumber } from './fields.js'
import { LedgerEntry, StampProgress } from './card.js'

/** Rewards catalog, coupons and stamp cards (issue 4b). */

const Name = Text(80)
const Terms = Text(500, 0)
/** An emoji (a few characters) or an https/http image URL. */
const Image = z
  .string()
  .trim()
  .max(500)
  .refine((s) => s === '' || s.length <= 8 || /^https?:\/\/\S+$/.test(s), 'an emoji or an image URL (https://...)')
const Count = (max: number) => WholeNumber(1, max)

export const RewardInput = z.object({
  name: Name,
  terms: Terms.default(''),
  image: Image.default(''),
  pointsCost: Count(1_000_000),
  /** Left in stock; null is unlimited. */
  stock: WholeNumber(0, 1_000_000).nullable().default(null),
  perMemberLimit: Count(1000).nullable().default(null),
  /** Days the coupon it issues stays valid. */
  validDays: Count(3650).default(30),
  active: z.boolean().default(true),
})
export type RewardInput = z.infer<typeof RewardInput>

export const Reward = z
  .object({
    id: z.string(),
    name: z.string(),
    terms: z.string(),
    image: z.string().nullable(),
    pointsCost: z.number().int(),
    stock: z.number().int().nullable(),
    perMemberLimit: z.number().int().nullable(),
    validDays: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Reward' })
export type Reward = z.infer<typeof Reward>

export const CouponSource = z.enum(['reward', 'stamps', 'campaign', 'automation'])
export type CouponSource = z.infer<typeof CouponSource>

/** 'expired' is derived (valid_until has passed); the stored states are active, used and void. */
export const CouponState = z.enum(['active', 'used', 'expired', 'void'])

export const Coupon = z
  .object({
    id: z.string(),
    code: z.string(),
    qrPayload: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    image: z.string().nullable(),
    source: CouponSource,
    rewardId: z.string().nullable(),
    validFrom: z.string(),
    validUntil: z.string().nullable(),
    /** ISO weekdays (Monday = 1) it can be used on; null is every day. */
    weekdays: z.array(z.number().int().min(1).max(7)).nullable(),
    /** Local "HH:MM" in the merchant's timezone; null is all day. */
    hoursFrom: z.string().nullable(),
    hoursUntil: z.string().nullable(),
    timezone: z.string(),
    maxUses: z.number().int(),
    uses: z.number().int(),
    state: CouponState,
    lastRedeemedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Coupon' })
export type Coupon = z.infer<typeof Coupon>

export const StampCardSettings = z
  .object({
    stampsRequired: Count(50),
    rewardTitle: Name,
    rewardTerms: Terms.default(''),
    rewardValidDays: Count(3650).default(30),
    /** Stamps one card may get per merchant-local day. */
    dailyLimit: Count(50).default(1),
    /** Minutes that must pass between two stamps on one card. */
    cooldownMinutes: WholeNumber(0, 24 * 60).default(0),
    active: z.boolean().default(true),
  })
  .meta({ id: 'StampCardSettings' })
export type StampCardSettings = z.infer<typeof StampCardSettings>
export const StampCardConfig = z.object({ stampCard: StampCardSettings.nullable() })

// The card read carries it too, so it is declared beside the card (contract/card.ts).
export { StampProgress }

/** A reward as a member sees it, with whether they can take it now. */
export const MemberReward = Reward.omit({ active: true, createdAt: true, updatedAt: true })
  .extend({
    /** How many more this member may take (null: no limit). */
    remainingForMember: z.number().int().nullable(),
    available: z.boolean(),
  })
  .meta({ id: 'MemberReward' })
export type MemberReward = z.infer<typeof MemberReward>

export const CardPerks = z
  .object({
    balance: z.number().int(),
    rewards: z.array(MemberReward),
    /** Active coupons first, soonest expiring first; then used and expired ones, newest first. */
    coupons: z.array(Coupon),
    stamps: StampProgress.nullable(),
  })
  .meta({ id: 'CardPerks' })
export type CardPerks = z.infer<typeof CardPerks>

export const RedeemRewardResponse = z
  .object({ coupon: Coupon, entry: LedgerEntry, balance: z.number().int() })
  .meta({ id: 'RedeemRewardResponse' })
export type RedeemRewardResponse = z.infer<typeof RedeemRewardResponse>

export const CouponCodeRequest = z.object({
  /** The QR payload ("LWC1:<code>") or the typed code ("7K3M9-QX2PA"). */
  code: z.string().trim().min(1).max(100),
  /** Where the till stands (as for a card scan); the redemption records it. */
  locationId: z.string().min(1).max(64).optional(),
})
/**
 * When, by whom and where a coupon was last used: a staff member, or a till system (POS key) by its
 * name; the location it was used at (null when none was recorded).
 */
export const CouponRedemptionInfo = z
  .object({
    at: z.string(),
    staffName: z.string().nullable(),
    tillName: z.string().nullable(),
    locationName: z.string().nullable(),
  })
  .meta({ id: 'CouponRedemptionInfo' })
export type CouponRedemptionInfo = z.infer<typeof CouponRedemptionInfo>
export const CouponAtTill = z
  .object({
    coupon: Coupon,
    memberName: z.string(),
    cardNumber: z.string(),
    /** The last use, if it was used: the till shows the verdict with when and where. */
    lastRedemption: CouponRedemptionInfo.nullable(),
  })
  .meta({ id: 'CouponAtTill' })
export type CouponAtTill = z.infer<typeof CouponAtTill>
export const CouponRedeemed = CouponAtTill.extend({
  redemption: z.object({ id: z.string(), at: z.string(), staffName: z.string().nullable() }),
}).meta({ id: 'CouponRedeemed' })
export type CouponRedeemed = z.infer<typeof CouponRedeemed>

/** The handle a card scan returned (for stamps and for the card's coupons at the till). */
export const HandleRequest = z.object({ handle: z.string().min(1).max(100) })
export const StampRequest = HandleRequest
export const StampResponse = z
  .object({ stamps: StampProgress, coupon: Coupon.nullable() })
  .meta({ id: 'StampResponse' })
export type StampResponse = z.infer<typeof StampResponse>
