import { z } from 'zod'
import { Email, IsoDate, LocaleCode, Slug } from './common.js'
import { MerchantPublic } from './merchant.js'
import { CardStatus } from './program.js'

export const LedgerKind = z.enum(['earn', 'redeem', 'expire', 'adjust', 'reversal', 'bonus', 'transfer'])
export type LedgerKind = z.infer<typeof LedgerKind>

export const LedgerEntry = z
  .object({
    id: z.string(),
    kind: LedgerKind,
    points: z.number().int(),
    balanceAfter: z.number().int(),
    /** The reason in English, as written at the time. */
    reason: z.string(),
    /** The same reason as a code and parameters (null on older entries): clients render it in their language. */
    reasonCode: z.string().nullable(),
    reasonParams: z.record(z.string(), z.unknown()).nullable(),
    amountMinor: z.number().int().nullable(),
    currency: z.string().nullable(),
    reversesEntryId: z.string().nullable(),
    reversed: z.boolean(),
    createdAt: z.string(),
    /** The entry's place in the card's posting order (1 is the first); history pages by it. */
    seq: z.number().int(),
  })
  .meta({ id: 'LedgerEntry' })
export type LedgerEntry = z.infer<typeof LedgerEntry>

/** A card as its owner sees it: includes the TOTP secret so the rotating code renders offline. */
export const WalletCard = z
  .object({
    id: z.string(),
    cardNumber: z.string(),
    balance: z.number().int(),
    totpSecret: z.string(),
    totpPeriod: z.number().int(),
    memberName: z.string(),
    joinedAt: z.string(),
    updatedAt: z.string(),
    /** Last used at the till (or joined): the wallet lists the card used last first. */
    lastUsedAt: z.string().optional(),
    merchant: MerchantPublic,
    /** Tier, progress, retention goal, next expiry and referral code (program engine). */
    status: CardStatus.nullable().optional(),
  })
  .meta({ id: 'WalletCard' })
export type WalletCard = z.infer<typeof WalletCard>

export const WalletCards = z.object({ cards: z.array(WalletCard) })
/** A page of history, newest first in posting order; `nextBefore` asks for the page before it (null: none). */
export const HistoryPage = z
  .object({ entries: z.array(LedgerEntry), nextBefore: z.number().int().nullable() })
  .meta({ id: 'HistoryPage' })
export type HistoryPage = z.infer<typeof HistoryPage>
export const HistoryQuery = z.object({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
/** A stamp card's progress on one member's card. */
export const StampProgress = z
  .object({
    filled: z.number().int(),
    required: z.number().int(),
    rewardTitle: z.string(),
    lastStampAt: z.string().nullable(),
  })
  .meta({ id: 'StampProgress' })
export type StampProgress = z.infer<typeof StampProgress>

/**
 * The card and the first page of its history (`historyNext`: see HistoryPage.nextBefore), with its
 * stamps (null: the shop has no stamp card) and how many coupons are ready to use: everything the
 * card screen shows, in one answer.
 */
export const CardDetail = z.object({
  card: WalletCard,
  history: z.array(LedgerEntry),
  historyNext: z.number().int().nullable(),
  stamps: StampProgress.nullable().optional(),
  couponsReady: z.number().int().optional(),
})
export type CardDetail = z.infer<typeof CardDetail>

export const JoinRequest = z.object({
  slug: Slug,
  name: z.string().trim().min(1, 'required').max(80),
  email: z.union([Email, z.literal('')]).optional(),
  birthday: z.union([IsoDate, z.literal('')]).optional(),
  marketingConsent: z.boolean().default(false),
  /** The consent sentence exactly as the member saw it; the consent log keeps it. */
  consentWording: z.string().trim().max(600).optional(),
  /** The signup link code (from ?via=) the member came through. */
  via: z.string().max(40).optional(),
  /** The member's language, from the browser (remembered for pushes and emails; changed in Settings). */
  locale: LocaleCode.optional(),
  /** The referral code (from ?ref=) of the member who invited this one. */
  ref: z.string().max(40).optional(),
  /** A random id this browser keeps: one welcome bonus per device and merchant (stored only hashed). */
  deviceId: z
    .string()
    .regex(/^[A-Za-z0-9-]{16,64}$/, '16 to 64 letters, digits or hyphens')
    .optional(),
})
export type JoinRequest = z.infer<typeof JoinRequest>
export const JoinResponse = z.object({ card: WalletCard, alreadyMember: z.boolean() })
export type JoinResponse = z.infer<typeof JoinResponse>
