import { z } from 'zod'
import { LocaleCode } from './common.js'
import { Text, WholeNumber } from './fields.js'

export const PushCategory = z.enum(['offers', 'birthday', 'expiring', 'tiers', 'reminders', 'feedback'])
export type PushCategory = z.infer<typeof PushCategory>

export const VapidPublicKey = z.object({ publicKey: z.string() }).meta({ id: 'VapidPublicKey' })

/** The browser's PushSubscription.toJSON(). */
export const PushSubscriptionBody = z
  .object({
    endpoint: z
      .url()
      .max(2048)
      .refine((u) => /^https?:\/\//.test(u), 'an http(s) URL'),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({ p256dh: z.string().min(16).max(200), auth: z.string().min(8).max(100) }),
  })
  .meta({ id: 'PushSubscription' })
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>
export const PushUnsubscribeBody = z.object({ endpoint: z.string().max(2048) })

export const PushPreferences = z
  .object({
    offers: z.boolean(),
    birthday: z.boolean(),
    expiring: z.boolean(),
    tiers: z.boolean(),
    reminders: z.boolean(),
    /** Visit questions, surveys and replies (issue 21); off unless the member turns it on. */
    feedback: z.boolean(),
  })
  .meta({ id: 'PushPreferences' })
export type PushPreferences = z.infer<typeof PushPreferences>
/** What a member saves: a card installed before the feedback switch leaves it out, and it keeps its value. */
export const PushPreferencesUpdate = PushPreferences.extend({ feedback: z.boolean().optional() })
export type PushPreferencesUpdate = z.infer<typeof PushPreferencesUpdate>

export const PushClick = z.object({ notificationId: z.string().min(1).max(64) })

const HhMm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 21:00')

export const AutomationKind = z.enum(['welcome', 'birthday', 'expiring', 'tier_up', 'tier_at_risk', 'winback'])
export type AutomationKind = z.infer<typeof AutomationKind>
/** A message in the merchant's other languages (the default language's is the main title and body). */
export const Written = z.object({ title: Text(80), body: Text(240) })
export const Translations = z.partialRecord(LocaleCode, Written)
export const AutomationSetting = z.object({
  enabled: z.boolean(),
  title: Text(80),
  body: Text(240),
  translations: Translations.optional(),
  days: WholeNumber(1, 365).optional(),
  withCoupon: z.boolean().optional(),
})
export const PushSettingsDto = z
  .object({
    /** The language the merchant writes messages in first; members in another fall back to it. */
    defaultLocale: LocaleCode,
    quietStart: HhMm,
    quietEnd: HhMm,
    dailyCap: WholeNumber(1, 10),
    automations: z.object({
      welcome: AutomationSetting,
      birthday: AutomationSetting,
      expiring: AutomationSetting,
      tier_up: AutomationSetting,
      tier_at_risk: AutomationSetting,
      winback: AutomationSetting,
    }),
  })
  .meta({ id: 'PushSettings' })
export type PushSettingsDto = z.infer<typeof PushSettingsDto>

/** The older fixed segments, and the insights segments (server/domain/insights.ts, the merchant's thresholds). */
export const OfferSegment = z.enum([
  'all',
  'new_30d',
  'lapsed_90d',
  'consent',
  'new',
  'regular',
  'occasional',
  'at_risk',
  'lapsed',
  'high_value',
])
export type OfferSegment = z.infer<typeof OfferSegment>
export const CreateOffer = z.object({
  title: Text(80),
  body: Text(240),
  translations: Translations.optional(),
  segment: OfferSegment.default('all'),
  /** Omit (or null) to send now. */
  sendAt: z.iso.datetime({ offset: true }).nullable().optional(),
  /** Percent of the segment held out at random (no push) to measure the offer's lift (issue 6). */
  holdoutPct: WholeNumber(0, 50).optional(),
})
export const Offer = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    translations: Translations,
    segment: OfferSegment,
    state: z.enum(['scheduled', 'sending', 'sent']),
    sendAt: z.string(),
    sentAt: z.string().nullable(),
    recipients: z.number().int().nullable(),
    clicks: z.number().int(),
  })
  .meta({ id: 'PushOffer' })
export type Offer = z.infer<typeof Offer>

export const PushFigures = z
  .object({
    members: z.number().int(),
    consenting: z.number().int(),
    optedIn: z.number().int(),
    notifications: z.number().int(),
    delivered: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
    clicked: z.number().int(),
    sinceDays: z.number().int(),
  })
  .meta({ id: 'PushFigures' })
export type PushFigures = z.infer<typeof PushFigures>
