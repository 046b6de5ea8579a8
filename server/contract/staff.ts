import { z } from 'zod'
import { Text, WholeNumber } from './fields.js'
import { Email } from './common.js'
import { LedgerEntry } from './card.js'
import { LocationRef } from './locations.js'

export const Role = z.enum(['owner', 'manager', 'cashier'])
export type Role = z.infer<typeof Role>

export const LoginRequest = z.object({ email: Email, password: z.string().min(1).max(200) })
export const PasswordResetRequest = z.object({ email: Email, locale: z.enum(['en', 'pl']).default('en') })
export const PasswordResetConfirm = z.object({
  token: z.string().min(10).max(200),
  password: z.string().min(10, 'at least 10 characters').max(200),
})
export const StaffMe = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: Role,
    merchant: z.object({
      slug: z.string(),
      name: z.string(),
      currency: z.string(),
      brandColor: z.string(),
      pointsPerUnit: z.number().int(),
      unitMinor: z.number().int(),
      /** setup, live, suspended or closed (contract/platform.ts BusinessStatus). */
      status: z.enum(['setup', 'live', 'suspended', 'closed']),
      /** Every step of the first-run checklist is done: owners no longer land on it. */
      firstRunComplete: z.boolean(),
    }),
    /** Where this person works: the locations they are assigned to, or every one when none is assigned. */
    locations: z.array(LocationRef),
    /** An operator of the platform (OPERATOR_EMAILS, or the account the first-run setup made). */
    operator: z.boolean(),
  })
  .meta({ id: 'StaffMe' })
export type StaffMe = z.infer<typeof StaffMe>

export const ScanRequest = z.object({
  /** The QR payload ("LW1:<card>:<code>") or the typed short code ("ABCD2345 123456"). */
  code: z.string().trim().min(1).max(200),
  /** Where the till stands; needed when the business has several locations this person may work at. */
  locationId: z.string().min(1).max(64).optional(),
})
/** A coupon on the scanned card, at a glance (the till's coupon list has the rest). */
export const CouponGlance = z.object({
  id: z.string(),
  title: z.string(),
  validUntil: z.string().nullable(),
})
export const CardSummary = z
  .object({
    cardId: z.string(),
    cardNumber: z.string(),
    memberName: z.string(),
    balance: z.number().int(),
    joinedAt: z.string(),
    recent: z.array(LedgerEntry),
    /** The member's tier and what it gives ("Gold x1.5, free refill on filter coffee"); null without tiers. */
    tier: z.object({ name: z.string(), multiplier: z.number(), perks: z.string() }).nullable(),
    /** Stamps on the card before any is added now; null when the merchant has no active stamp card. */
    stamps: z.object({ filled: z.number().int(), required: z.number().int(), rewardTitle: z.string() }).nullable(),
    /** Coupons the member can use now, soonest expiring first. */
    coupons: z.array(CouponGlance),
    /** The member's current marketing consent: for owners and managers; null for a cashier. */
    marketingConsent: z.boolean().nullable(),
    /** The first-run practice card: awards on it are shown, never recorded. */
    practice: z.boolean().optional(),
  })
  .meta({ id: 'CardSummary' })
export type CardSummary = z.infer<typeof CardSummary>
export const ScanResponse = z.object({
  /** Short-lived handle for the operations that follow the scan (award, undo, redeem). */
  handle: z.string(),
  handleExpiresAt: z.string(),
  card: CardSummary,
  /** Where this scan counts; null for a business without locations. */
  location: LocationRef.nullable().optional(),
  /** Opened by an Apple Wallet pass's static code: awards points, never redeems or takes points. */
  awardOnly: z.boolean().optional(),
})
export type ScanResponse = z.infer<typeof ScanResponse>

const MAX_PURCHASE_MINOR = 100_000_000
/** The part of a purchase paid with a reward (a coupon, a redeemed discount): it earns no points. */
const DiscountMinor = z.number().int().min(0).max(MAX_PURCHASE_MINOR).optional()
const discountNotAboveAmount = {
  message: 'must not be more than amountMinor',
  path: ['discountMinor'],
}
export const EarnRequest = z
  .object({
    handle: z.string().min(1).max(100),
    amountMinor: z.number().int().positive().max(MAX_PURCHASE_MINOR),
    discountMinor: DiscountMinor,
  })
  .refine((b) => (b.discountMinor ?? 0) <= b.amountMinor, discountNotAboveAmount)
/** A manual correction: points (never zero) with the reason the history will show. */
export const Adjustment = z.object({
  points: WholeNumber(-100_000, 100_000).refine((n) => n !== 0, 'must not be zero'),
  reason: Text(200, 3),
})
export const AdjustRequest = Adjustment.extend({ handle: z.string().min(1).max(100) })
export const UndoRequest = z.object({
  handle: z.string().min(1).max(100),
  entryId: z.string().min(1).max(64),
})
export const AwardResponse = z.object({ entry: LedgerEntry, balance: z.number().int() }).meta({ id: 'AwardResponse' })
export type AwardResponse = z.infer<typeof AwardResponse>

export const PosEarnRequest = z
  .object({
    /** The card number printed under the QR, or the full rotating code scanned at the till. */
    cardNumber: z.string().trim().min(4).max(32).optional(),
    code: z.string().trim().min(1).max(200).optional(),
    amountMinor: z.number().int().positive().max(MAX_PURCHASE_MINOR),
    discountMinor: DiscountMinor,
    reference: z.string().max(100).optional(),
  })
  .refine((b) => Boolean(b.cardNumber) !== Boolean(b.code), {
    message: 'give exactly one of cardNumber or code',
    path: ['cardNumber'],
  })
  .refine((b) => (b.discountMinor ?? 0) <= b.amountMinor, discountNotAboveAmount)

/** What the award would post for this purchase on the scanned card: the same rules, nothing written. */
export const EarnPreviewRequest = z
  .object({
    handle: z.string().min(1).max(100),
    amountMinor: z.number().int().positive().max(MAX_PURCHASE_MINOR),
    discountMinor: DiscountMinor,
  })
  .refine((b) => (b.discountMinor ?? 0) <= b.amountMinor, discountNotAboveAmount)
const NamedPoints = z.object({ name: z.string(), multiplier: z.number(), points: z.number().int() })
export const EarnBreakdown = z.object({
  eligibleMinor: z.number().int(),
  belowMinimum: z.boolean(),
  base: z.number().int(),
  visit: z.number().int(),
  promotion: NamedPoints.nullable(),
  promotionBonuses: z.array(z.object({ name: z.string(), points: z.number().int() })),
  tier: NamedPoints.nullable(),
  /** Points the daily cap took away (0 or negative). */
  cap: z.object({ limit: z.number().int(), points: z.number().int() }).nullable(),
})
export const EarnPreview = z
  .object({ points: z.number().int(), reason: z.string(), breakdown: EarnBreakdown })
  .meta({ id: 'EarnPreview' })
export type EarnPreview = z.infer<typeof EarnPreview>

/** A scan the till recorded while offline, sent when the network returned. */
export const OFFLINE_MAX_AGE_HOURS = 12
export const QueuedScanRequest = z.object({
  /** The QR payload or the typed short code, as captured. */
  code: z.string().trim().min(1).max(200),
  /** When the till captured the code (the device's clock, UTC ISO). */
  capturedAt: z.iso.datetime({ offset: true }),
  /** Where the till stood when it captured the code (as on a scan). */
  locationId: z.string().min(1).max(64).optional(),
  action: z.discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('earn'),
        amountMinor: z.number().int().positive().max(MAX_PURCHASE_MINOR),
        discountMinor: DiscountMinor,
      })
      .refine((b) => (b.discountMinor ?? 0) <= b.amountMinor, discountNotAboveAmount),
    z.object({ kind: z.literal('stamp') }),
  ]),
})
export type QueuedScanRequest = z.infer<typeof QueuedScanRequest>
export const QueuedScanResponse = z
  .object({
    cardNumber: z.string(),
    memberName: z.string(),
    balance: z.number().int(),
    /** The award's entry (an earn), or null for a stamp. */
    entry: LedgerEntry.nullable(),
    stamps: z.object({ filled: z.number().int(), required: z.number().int() }).nullable(),
    /** Set when the stamp filled the card and issued its reward coupon. */
    couponTitle: z.string().nullable(),
  })
  .meta({ id: 'QueuedScanResponse' })
export type QueuedScanResponse = z.infer<typeof QueuedScanResponse>
