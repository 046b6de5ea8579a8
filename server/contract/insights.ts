import { z } from 'zod'
import { Decimal, WholeNumber } from './fields.js'

/* Insights: segment thresholds, segment members and the dashboard (definitions in server/domain/insights.ts). */

export const SegmentName = z.enum(['new', 'regular', 'occasional', 'at_risk', 'lapsed', 'high_value'])
export type SegmentName = z.infer<typeof SegmentName>
export const Lifecycle = z.enum(['new', 'regular', 'occasional', 'at_risk', 'lapsed'])

const Days = WholeNumber(1, 3650)
const Thresholds = z.object({
  newDays: Days,
  lapsedDays: Days,
  atRiskMultiplier: Decimal(1, 10),
  atRiskMinDays: WholeNumber(0, 365),
  defaultGapDays: Days,
  highValuePercent: WholeNumber(1, 50),
  regularVisits: WholeNumber(1, 90),
})
export const InsightSettingsDto = Thresholds.extend({
  /** What 100 points are worth in rewards, in minor units; null when not set. */
  pointValuePer100Minor: WholeNumber(0, 1_000_000).nullable(),
})
  .refine((s) => s.newDays < s.lapsedDays, { message: 'must be shorter than lapsedDays', path: ['newDays'] })
  .meta({ id: 'InsightSettings' })
export type InsightSettingsDto = z.infer<typeof InsightSettingsDto>

export const SegmentMember = z
  .object({
    cardId: z.string(),
    cardNumber: z.string(),
    name: z.string(),
    /** Only when the member agreed to marketing. */
    email: z.string().nullable(),
    joined: z.string(),
    lastVisit: z.string().nullable(),
    visits: z.number().int(),
    visits90: z.number().int(),
    spend365: z.number().int(),
    usualGap: z.number().nullable(),
    daysAway: z.number().int(),
    lifecycle: Lifecycle,
    highValue: z.boolean(),
  })
  .meta({ id: 'SegmentMember' })
export type SegmentMember = z.infer<typeof SegmentMember>

export const SegmentPage = z
  .object({
    segment: SegmentName,
    members: z.array(SegmentMember),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'SegmentPage' })
export type SegmentPage = z.infer<typeof SegmentPage>

export const SegmentQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
})

const Rate = z.number().nullable()
export const InsightsDashboard = z
  .object({
    today: z.string(),
    currency: z.string(),
    /**
     * With ?locationId=: the figures are of the members of that location (who joined there, or bought
     * there in the last 365 days), counting all their visits.
     */
    location: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
    thresholds: Thresholds,
    members: z.number().int(),
    // Every segment is a key (an exhaustive record); the generator does not say so by itself.
    segments: z.record(SegmentName, z.number().int()).meta({ required: [...SegmentName.options] }),
    active30: z.number().int(),
    retention: Rate,
    churn: Rate,
    repeatRate: Rate,
    visitFrequency: z.number().nullable(),
    averageSpend: z.number().int().nullable(),
    lifetimeValue: z.number().int().nullable(),
    lifetimeYears: z.number().nullable(),
    redemptionRate: Rate,
    pointsIssued365: z.number().int(),
    pointsRedeemed365: z.number().int(),
    liability: z.object({
      points: z.number().int(),
      valuePer100Minor: z.number().int().nullable(),
      valueMinor: z.number().int().nullable(),
    }),
    push: z.object({
      optedIn: z.number().int(),
      optInRate: Rate,
      sent30: z.number().int(),
      clicked30: z.number().int(),
      clickRate: Rate,
    }),
    secondVisit: z.object({ buckets: z.array(z.number().int()), over: z.number().int(), oneVisit: z.number().int() }),
    cohorts: z.array(z.object({ month: z.string(), size: z.number().int(), retained: z.array(z.number().int()) })),
    atRisk: z.array(
      z.object({
        cardId: z.string(),
        name: z.string(),
        lastVisit: z.string().nullable(),
        daysAway: z.number().int(),
        usualGap: z.number().nullable(),
        spend365: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'InsightsDashboard' })
export type InsightsDashboard = z.infer<typeof InsightsDashboard>

/** The columns of a segment's CSV download, in order. */
export const SEGMENT_CSV_COLUMNS = [
  'card_number',
  'name',
  'email',
  'joined',
  'last_visit',
  'visits',
  'visits_90d',
  'usual_gap_days',
  'days_away',
  'spend_365d',
  'currency',
  'lifecycle',
  'high_value',
] as const
