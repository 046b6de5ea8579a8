import { z } from 'zod'
import { Text } from './fields.js'
import { Currency, Email, HexColor, Slug } from './common.js'

export const Rounding = z.enum(['floor', 'round', 'ceil'])
export type Rounding = z.infer<typeof Rounding>

export const MerchantPublic = z
  .object({
    slug: z.string(),
    name: z.string(),
    brandColor: z.string(),
    accentColor: z.string(),
    logoUrl: z.string().nullable(),
    currency: z.string(),
    timezone: z.string(),
    pointsPerUnit: z.number().int(),
    unitMinor: z.number().int(),
    /** setup (not open yet), live, suspended (paused by the platform) or closed. */
    status: z.enum(['setup', 'live', 'suspended', 'closed']).optional(),
  })
  .meta({ id: 'MerchantPublic' })
export type MerchantPublic = z.infer<typeof MerchantPublic>

export const SetupStatus = z.object({ needed: z.boolean() })

export const SetupRequest = z.object({
  token: z.string().min(1).max(200),
  merchantName: z.string().trim().min(1).max(80),
  slug: Slug,
  currency: Currency.default('EUR'),
  timezone: z.string().min(1).max(64).default('UTC'),
  brandColor: HexColor.default('#4f46e5'),
  ownerName: z.string().trim().min(1).max(80),
  ownerEmail: Email,
  ownerPassword: z.string().min(10, 'at least 10 characters').max(200),
  /** The kind of business (contract/platform.ts BUSINESS_KINDS), for its ready-made program. */
  kind: z.enum(['cafe', 'restaurant', 'bakery', 'bar', 'salon', 'retail', 'other']).optional(),
})
export type SetupRequest = z.infer<typeof SetupRequest>

export const SignupLink = z
  .object({
    id: z.string(),
    code: z.string(),
    campaign: z.string(),
    url: z.string(),
    joined: z.number().int(),
    createdAt: z.string(),
    /** The location members who join through it are counted at. */
    location: z.object({ id: z.string(), name: z.string(), address: z.string() }).nullable().optional(),
  })
  .meta({ id: 'SignupLink' })
export type SignupLink = z.infer<typeof SignupLink>
export const CreateSignupLink = z.object({
  campaign: Text(80),
  locationId: z.string().min(1).max(64).nullable().optional(),
})

export const ApiKeySummary = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    /** The location this POS stands at: its earns are recorded there. */
    locationId: z.string().nullable().optional(),
  })
  .meta({ id: 'ApiKey' })
export const CreateApiKey = z.object({
  name: Text(80),
  locationId: z.string().min(1).max(64).nullable().optional(),
})
export const CreatedApiKey = ApiKeySummary.extend({
  /** The secret, shown once; only its hash is stored. */
  key: z.string(),
})
