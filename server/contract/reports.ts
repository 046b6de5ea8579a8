import { z } from 'zod'
import { WholeNumber } from './fields.js'
import { IsoDate, LocaleCode } from './common.js'

/* Campaign lift, staff alerts (with opening hours and the owner's alert devices), and CSV exports. */

export const HoldoutPct = WholeNumber(0, 50)

const Diff = z.object({
  targetMean: z.number(),
  holdoutMean: z.number(),
  lift: z.number(),
  se: z.number(),
  low: z.number(),
  high: z.number(),
})

export const LiftReportDto = z.object({
  status: z.enum(['no_holdout', 'too_early', 'not_enough_data', 'ready']),
  assigned: z.object({ target: z.number().int(), holdout: z.number().int() }),
  measured: z.object({ target: z.number().int(), holdout: z.number().int() }),
  visits: Diff.nullable(),
  spend: Diff.nullable(),
  extraVisits: z.object({ value: z.number(), low: z.number(), high: z.number() }).nullable(),
  redemptionsPerMember: z.object({ target: z.number(), holdout: z.number() }).nullable(),
  completeAt: z.string().nullable(),
  windowDays: z.number().int(),
  minGroupSize: z.number().int(),
  method: z.string(),
})

export const CampaignDto = z
  .object({
    id: z.string(),
    kind: z.enum(['offer', 'automation']),
    /** The offer id or the automation kind. */
    source: z.string(),
    name: z.string(),
    holdoutPct: z.number().int(),
    createdAt: z.string(),
    currency: z.string(),
    report: LiftReportDto,
  })
  .meta({ id: 'Campaign' })
export type CampaignDto = z.infer<typeof CampaignDto>

export const AutomationHoldouts = z
  .object({
    welcome: HoldoutPct,
    birthday: HoldoutPct,
    expiring: HoldoutPct,
    tier_up: HoldoutPct,
    tier_at_risk: HoldoutPct,
    winback: HoldoutPct,
  })
  .meta({ id: 'AutomationHoldouts' })
export type AutomationHoldouts = z.infer<typeof AutomationHoldouts>

const HhMm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 08:30')
export const DayHours = z.object({ open: HhMm, close: HhMm }).nullable()
/** Seven days, Monday first; null is closed. `hours: null` means none set (no off-hours alerts). */
// The generator drops .length(); the meta says it in the document (tests/api/contract-bounds.test.ts).
export const OpeningHoursDto = z
  .object({ hours: z.array(DayHours).length(7).meta({ minItems: 7, maxItems: 7 }).nullable() })
  .meta({ id: 'OpeningHours' })
export type OpeningHoursDto = z.infer<typeof OpeningHoursDto>

export const AlertRule = z.enum([
  'rate',
  'repeat_card',
  'off_hours',
  'offline_burst',
  'offline_off_hours',
  'offline_refused',
])
export const AlertEntry = z.object({
  id: z.string(),
  kind: z.string(),
  points: z.number().int(),
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  createdAt: z.string(),
  cardNumber: z.string(),
  reason: z.string(),
})
export const StaffAlertDto = z
  .object({
    id: z.string(),
    rule: AlertRule,
    staffId: z.string().nullable(),
    staffName: z.string().nullable(),
    cardId: z.string().nullable(),
    cardNumber: z.string().nullable(),
    windowStart: z.string(),
    windowEnd: z.string(),
    count: z.number().int(),
    threshold: z.number().int(),
    state: z.enum(['open', 'acknowledged', 'dismissed']),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    /** Where every award of the alert happened, when they share a location. */
    location: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
    entries: z.array(AlertEntry),
  })
  .meta({ id: 'StaffAlert' })
export type StaffAlertDto = z.infer<typeof StaffAlertDto>
export const ResolveAlert = z.object({ state: z.enum(['acknowledged', 'dismissed']) })

export const StaffPushBody = z.object({
  endpoint: z
    .url()
    .max(2048)
    .refine((u) => /^https?:\/\//.test(u), 'an http(s) URL'),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: z.string().min(16).max(200), auth: z.string().min(8).max(100) }),
})
export const StaffPushDevices = z.object({ endpoints: z.array(z.string()) })

/** Local dates in the merchant's time zone, both included; at most MAX_EXPORT_DAYS apart. */
export const MAX_EXPORT_DAYS = 366
export const ExportRange = z.object({
  from: IsoDate,
  to: IsoDate,
  /** Only what happened at this location. */
  locationId: z.string().min(1).max(64).optional(),
  /** Headers, kinds and reasons in this language; without it, the column keys and the stored English reasons. */
  lang: LocaleCode.optional(),
})
/** Members who joined between two local dates (both included); without them, every member. */
export const MemberExportRange = z
  .object({
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    /** Only members who joined at this location. */
    locationId: z.string().min(1).max(64).optional(),
    /** Headers and yes/no in this language; without it, the column keys. */
    lang: LocaleCode.optional(),
  })
  .refine((r) => (r.from === undefined) === (r.to === undefined), {
    message: 'give both from and to, or neither',
    path: ['to'],
  })
