import { z } from 'zod'
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
export const CardSummary = z
  .object({
    cardId: z.string(),
    cardNumber: z.string(),
    memberName: z.string(),
    balance: z.number().int(),
    joinedAt: z.string(),
    recent: z.array(LedgerEntry),
    /** The member's current marketing consent for this merchant (from the consent log). */
    marketingConsent: z.boolean(),
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
  points: z
    .number()
    .int()
    .min(-100_000)
    .max(100_000)
    .refine((n) => n !== 0, 'must not be zero'),
  reason: z.string().trim().min(3).max(200),
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
