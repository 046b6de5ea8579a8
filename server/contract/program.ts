import { z } from 'zod'
import { Decimal, Text, WholeNumber } from './fields.js'
import { IsoDate } from './common.js'
import { Rounding } from './merchant.js'

const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 14:00')
const Multiplier = Decimal(1, 10)
const Points = (max: number) => WholeNumber(0, max)

/** A promotion: a multiplier and/or bonus points on some weekdays, in a local time range, optionally between dates. */
export const Promotion = z
  .object({
    name: Text(60),
    multiplier: Multiplier.default(1),
    bonusPoints: Points(100_000).default(0),
    /** ISO weekdays, 1 = Monday ... 7 = Sunday, in the merchant's timezone. */
    weekdays: z.array(WholeNumber(1, 7)).min(1, 'pick at least one day').max(7),
    startTime: Hhmm.default('00:00'),
    /** Exclusive; "00:00" as the end means midnight at the end of the day. */
    endTime: Hhmm.default('00:00'),
    startDate: IsoDate.nullable().default(null),
    endDate: IsoDate.nullable().default(null),
  })
  .refine((p) => p.endTime === '00:00' || p.startTime < p.endTime, {
    message: 'must end after it starts',
    path: ['endTime'],
  })
  .refine((p) => !p.startDate || !p.endDate || p.startDate <= p.endDate, {
    message: 'must not end before it starts',
    path: ['endDate'],
  })
export type Promotion = z.infer<typeof Promotion>

export const Tier = z.object({
  name: Text(30),
  /** Points earned (earn + bonus, net of reversals) within the tier window. */
  threshold: WholeNumber(1, 10_000_000),
  multiplier: Multiplier.default(1),
  perks: Text(200, 0).default(''),
})
export type Tier = z.infer<typeof Tier>

export const TierWindow = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rolling'), months: WholeNumber(1, 36) }),
  z.object({ kind: z.literal('calendarYear') }),
])
export type TierWindow = z.infer<typeof TierWindow>

export const ExpiryRule = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }),
  z.object({
    mode: z.literal('afterEarn'),
    months: WholeNumber(1, 120),
    /** Push the date to the end of that month or year, in the merchant's timezone. */
    roundTo: z.enum(['none', 'month', 'year']).default('none'),
  }),
  z.object({ mode: z.literal('inactivity'), months: WholeNumber(1, 120) }),
])
export type ExpiryRule = z.infer<typeof ExpiryRule>

/** Everything a program version holds. Stored as one JSON document per version. */
export const ProgramRules = z
  .object({
    pointsPerUnit: WholeNumber(0, 1000),
    unitMinor: WholeNumber(1, 1_000_000),
    rounding: Rounding.default('floor'),
    pointsPerVisit: Points(10_000).default(0),
    minSpendMinor: WholeNumber(0, 100_000_000).default(0),
    /** Empty (null) is no cap. */
    dailyCapPoints: WholeNumber(1, 10_000_000).nullable().default(null),
    promotions: z.array(Promotion).max(20).default([]),
    tiers: z.array(Tier).max(10).default([]),
    tierWindow: TierWindow.default({ kind: 'rolling', months: 12 }),
    tierGraceDays: WholeNumber(0, 365).default(30),
    expiry: ExpiryRule.default({ mode: 'none' }),
    welcomeBonus: Points(100_000).default(0),
    birthdayBonus: Points(100_000).default(0),
    birthdayWindowDays: WholeNumber(0, 30).default(7),
    referralBonus: Points(100_000).default(0),
  })
  .superRefine((r, ctx) => {
    r.tiers.forEach((t, i) => {
      if (i > 0 && t.threshold <= r.tiers[i - 1]!.threshold) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'threshold'], message: 'tier thresholds must increase' })
      }
      if (i > 0 && t.multiplier < r.tiers[i - 1]!.multiplier) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'multiplier'], message: 'a higher tier must not earn less' })
      }
      if (r.tiers.findIndex((o) => o.name.toLowerCase() === t.name.toLowerCase()) !== i) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'name'], message: 'tier names must differ' })
      }
    })
  })
  .meta({ id: 'ProgramRules' })
export type ProgramRules = z.infer<typeof ProgramRules>
export type ProgramRulesInput = z.input<typeof ProgramRules>

export const ProgramSettings = z
  .object({
    version: z.number().int(),
    effectiveFrom: z.string(),
    rules: ProgramRules,
    /** A version saved to start later, if any. */
    scheduled: z.object({ version: z.number().int(), effectiveFrom: z.string() }).nullable(),
  })
  .meta({ id: 'ProgramSettings' })
export type ProgramSettings = z.infer<typeof ProgramSettings>

export const SaveProgram = z.object({
  rules: ProgramRules,
  /** When the new version starts; now when left out. */
  effectiveFrom: z.iso.datetime({ offset: true }).optional(),
})

export const PreviewSummary = z.object({
  pointsIssued: z.number().int(),
  purchases: z.number().int(),
  membersPerTier: z.array(z.object({ tier: z.string().nullable(), members: z.number().int() })),
  expiringNextMonth: z.number().int(),
})
export type PreviewSummary = z.infer<typeof PreviewSummary>
export const ProgramPreview = z
  .object({ from: z.string(), to: z.string(), current: PreviewSummary, proposed: PreviewSummary })
  .meta({ id: 'ProgramPreview' })
export type ProgramPreview = z.infer<typeof ProgramPreview>

/** What the card shows about its tier and expiring points. */
export const CardStatus = z
  .object({
    tier: z.object({ name: z.string(), multiplier: z.number(), perks: z.string() }).nullable(),
    earnedInWindow: z.number().int(),
    next: z.object({ name: z.string(), pointsNeeded: z.number().int(), threshold: z.number().int() }).nullable(),
    /** What keeps the current tier: earn `points` by `by`. Null when nothing is at risk. */
    retain: z.object({ points: z.number().int(), by: z.string() }).nullable(),
    nextExpiry: z.object({ points: z.number().int(), at: z.string() }).nullable(),
    referralCode: z.string().nullable(),
  })
  .meta({ id: 'CardStatus' })
export type CardStatus = z.infer<typeof CardStatus>

export const BirthdayRequest = z.object({ birthday: IsoDate })
export const BirthdayResponse = z.object({ birthday: z.string().nullable(), changeableFrom: z.string().nullable() })
