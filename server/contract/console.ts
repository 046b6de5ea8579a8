import { z } from 'zod'
import { Text } from './fields.js'
import { LedgerEntry } from './card.js'
import { Email, HexColor } from './common.js'
import { CardSummary, Role } from './staff.js'

/* The merchant console's admin screens: branding, staff, customers. */

export const Branding = z
  .object({
    slug: z.string(),
    name: z.string(),
    brandColor: z.string(),
    accentColor: z.string(),
    logoUrl: z.string().nullable(),
  })
  .meta({ id: 'Branding' })
export type Branding = z.infer<typeof Branding>
export const UpdateBranding = z.object({
  name: Text(80),
  brandColor: HexColor,
  accentColor: HexColor,
})
/** Largest logo upload accepted, before it is resized on the server. */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const

export const StaffStatus = z.enum(['active', 'invited', 'deactivated'])
export const StaffMember = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: Role,
    status: StaffStatus,
    /** When the open invitation expires (status invited). */
    inviteExpiresAt: z.string().nullable(),
    createdAt: z.string(),
    /** The locations they are assigned to; none means every location. */
    locationIds: z.array(z.string()).optional(),
  })
  .meta({ id: 'StaffMember' })
export type StaffMember = z.infer<typeof StaffMember>
export const InviteStaff = z.object({
  email: Email,
  name: Text(80),
  role: Role,
  /** The locations they will work at; none: every location. */
  locationIds: z.array(z.string().min(1).max(64)).max(50).optional(),
})
export const StaffInvitation = z
  .object({
    member: StaffMember,
    /** The one-time link to send to the new staff member; shown only in this answer. */
    inviteUrl: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'StaffInvitation' })
export type StaffInvitation = z.infer<typeof StaffInvitation>
export const UpdateStaff = z
  .object({ role: Role.optional(), active: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.active !== undefined, { message: 'give role or active', path: ['role'] })

export const InviteToken = z.object({ token: z.string().min(10).max(200) })
export const InviteInfo = z.object({ name: z.string(), email: z.string(), role: Role, merchantName: z.string() })
export const AcceptInvite = z.object({
  token: z.string().min(10).max(200),
  password: z.string().min(10, 'at least 10 characters').max(200),
})

export const CustomerQuery = z.object({
  q: z.string().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})
export const CustomerRow = z
  .object({
    cardId: z.string(),
    cardNumber: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    balance: z.number().int(),
    joinedAt: z.string(),
    lastActivityAt: z.string(),
  })
  .meta({ id: 'CustomerRow' })
export type CustomerRow = z.infer<typeof CustomerRow>
export const CustomerPage = z.object({
  customers: z.array(CustomerRow),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
})
export type CustomerPage = z.infer<typeof CustomerPage>
export const ConsentEvent = z.object({
  granted: z.boolean(),
  /** join | settings | account_deleted */
  source: z.string(),
  wording: z.string(),
  at: z.string(),
})
/** What owners and managers see of a member beyond the counter: contact, consent and how they visit. */
export const CustomerProfile = z.object({
  email: z.string().nullable(),
  birthday: z.string().nullable(),
  marketingConsent: z.boolean(),
  /** Every consent change, newest first. */
  consentHistory: z.array(ConsentEvent),
  /** Visits (local days with a purchase) and spend over the last 365 days. */
  visits: z.number().int(),
  spendMinor: z.number().int(),
  currency: z.string(),
  /** The local date of the last visit, or null before the first one. */
  lastVisit: z.string().nullable(),
  segment: z.enum(['new', 'regular', 'occasional', 'at_risk', 'lapsed']),
  highValue: z.boolean(),
})
export const CustomerDetail = z
  .object({
    cardId: z.string(),
    cardNumber: z.string(),
    name: z.string(),
    balance: z.number().int(),
    joinedAt: z.string(),
    tier: CardSummary.shape.tier,
    stamps: CardSummary.shape.stamps,
    coupons: CardSummary.shape.coupons,
    /** Owners and managers only; null for a cashier, who sees what the counter needs. */
    profile: CustomerProfile.nullable(),
    /** Where the member joined (the location of their signup link), if known. */
    joinedLocation: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
    /** The signup link they came through. */
    joinedVia: z.string().nullable().optional(),
    /** Owners and managers: the first page of the history, newest first in posting order; empty for a cashier. */
    history: z.array(LedgerEntry),
    historyNext: z.number().int().nullable(),
  })
  .meta({ id: 'CustomerDetail' })
export type CustomerDetail = z.infer<typeof CustomerDetail>
