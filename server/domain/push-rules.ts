/**
 * Pure rules for Web Push: the merchant's local time, quiet hours, birthdays, lapses, message
 * templates and payload limits. Every function takes `now`.
 */
import { isLocale, type Locale } from '../contract/locales.js'
import { SERVER_MESSAGES } from './i18n/index.js'
import { localDate, localParts } from './time.js'

export const MAX_PAYLOAD_BYTES = 3000

export const PUSH_CATEGORIES = ['offers', 'birthday', 'expiring', 'tiers', 'reminders', 'feedback'] as const
export type PushCategory = (typeof PUSH_CATEGORIES)[number]

export const AUTOMATION_KINDS = ['welcome', 'birthday', 'expiring', 'tier_up', 'tier_at_risk', 'winback'] as const
export type AutomationKind = (typeof AUTOMATION_KINDS)[number]

export interface AutomationSetting {
  enabled: boolean
  title: string
  body: string
  /** expiring: days before. (winback keeps the field but no longer reads it: the insights thresholds decide.) */
  days?: number
  /** birthday, winback: attach a coupon when the coupon service is wired. */
  withCoupon?: boolean
  /** The text in the merchant's other languages (i18n/templates.ts). */
  translations?: Partial<Record<string, { title: string; body: string }>>
}
export type AutomationSettings = Record<AutomationKind, AutomationSetting>

export interface PushSettings {
  /** The merchant's default language (merchants.default_locale): its texts are written in it first. */
  defaultLocale: Locale
  quietStart: string
  quietEnd: string
  /** Marketing pushes per member per (local) day. */
  dailyCap: number
  automations: AutomationSettings
}

/**
 * Which switch governs a kind, and whether it is marketing (needs consent, counts against the cap);
 * `capped`: not marketing, but counts against the daily cap all the same (the feedback questions).
 */
export const KIND_RULES: Record<
  AutomationKind | 'earned' | 'offer' | FeedbackKind,
  { category: PushCategory | null; marketing: boolean; capped?: boolean }
> = {
  earned: { category: null, marketing: false },
  welcome: { category: null, marketing: false },
  tier_up: { category: 'tiers', marketing: false },
  tier_at_risk: { category: 'tiers', marketing: false },
  expiring: { category: 'expiring', marketing: false },
  birthday: { category: 'birthday', marketing: true },
  winback: { category: 'reminders', marketing: true },
  offer: { category: 'offers', marketing: true },
  feedback_visit: { category: 'feedback', marketing: false, capped: true },
  feedback_survey: { category: 'feedback', marketing: false, capped: true },
  feedback_reply: { category: 'feedback', marketing: false },
}

/** Feedback pushes (issue 21): a visit question, a survey, the merchant's reply. */
export type FeedbackKind = 'feedback_visit' | 'feedback_survey' | 'feedback_reply'

/** Kinds that count against the member's daily cap. */
export const CAPPED_KINDS = Object.entries(KIND_RULES)
  .filter(([, r]) => r.marketing || r.capped)
  .map(([k]) => k)

/** A switch the member never touched: on, except feedback, which the member turns on themselves. */
export const categoryOn = (category: PushCategory, stored: number | undefined) =>
  stored === undefined ? category !== 'feedback' : stored === 1

export const DEFAULT_PUSH_SETTINGS: PushSettings = {
  defaultLocale: 'en',
  quietStart: '21:00',
  quietEnd: '09:00',
  dailyCap: 1,
  automations: {
    welcome: {
      enabled: true,
      title: 'Welcome to {merchant}',
      body: 'Hi {name}! Your card is ready: show it at the till to collect points.',
    },
    birthday: {
      enabled: true,
      title: 'Happy birthday, {name}!',
      body: '{merchant} has a treat for you today.',
      withCoupon: true,
    },
    expiring: {
      enabled: true,
      title: 'Points expiring soon',
      body: '{points} of your points at {merchant} expire soon. Use them before they go.',
      days: 14,
    },
    tier_up: {
      enabled: true,
      title: 'You reached {tier}!',
      body: 'Thanks for visiting {merchant}, {name}. Enjoy your {tier} perks.',
    },
    tier_at_risk: {
      enabled: true,
      title: 'Keep your {tier} status',
      body: 'A visit to {merchant} soon keeps you at {tier}.',
    },
    winback: {
      enabled: true,
      title: 'We miss you, {name}',
      body: 'It has been a while. Come back to {merchant}: your {points} points are waiting.',
      days: 60,
      withCoupon: false,
    },
  },
}

/** Merges stored settings over the defaults, so a new kind added later has a value. */
export function withDefaults(stored: Partial<PushSettings> | null, defaultLocale: string = 'en'): PushSettings {
  const locale = isLocale(defaultLocale) ? defaultLocale : 'en'
  const automations = { ...DEFAULT_PUSH_SETTINGS.automations }
  for (const k of AUTOMATION_KINDS) {
    // Our texts in the merchant's language until they write their own.
    automations[k] = { ...automations[k], ...SERVER_MESSAGES[locale].automations[k] }
    const s = stored?.automations?.[k]
    if (s) automations[k] = { ...automations[k], ...s }
  }
  return {
    defaultLocale: locale,
    quietStart: stored?.quietStart ?? DEFAULT_PUSH_SETTINGS.quietStart,
    quietEnd: stored?.quietEnd ?? DEFAULT_PUSH_SETTINGS.quietEnd,
    dailyCap: stored?.dailyCap ?? DEFAULT_PUSH_SETTINGS.dailyCap,
    automations,
  }
}

export { localParts }

export { localDate }

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}

/** Quiet hours may wrap midnight (21:00-09:00); equal start and end means none. */
export function inQuietHours(minutes: number, quietStart: string, quietEnd: string): boolean {
  const s = toMinutes(quietStart)
  const e = toMinutes(quietEnd)
  if (s === e) return false
  return s < e ? minutes >= s && minutes < e : minutes >= s || minutes < e
}

/** Now, or the end of the quiet hours (merchant time) when now falls inside them. */
export function nextSendTime(now: Date, timeZone: string, quietStart: string, quietEnd: string): Date {
  let t = now
  for (let i = 0; i < 3; i++) {
    const { minutes } = localParts(t, timeZone)
    if (!inQuietHours(minutes, quietStart, quietEnd)) return t
    const wait = (toMinutes(quietEnd) - minutes + 1440) % 1440 || 1440
    t = new Date(Math.floor(t.getTime() / 60_000) * 60_000 + wait * 60_000)
    // A daylight-saving change in between moves the wall clock: land on the end exactly.
    const drift = toMinutes(quietEnd) - localParts(t, timeZone).minutes
    if (drift !== 0 && Math.abs(drift) <= 120) t = new Date(t.getTime() + drift * 60_000)
  }
  return t
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/** Whether `localDay` (YYYY-MM-DD) is the birthday; 29 February is kept on 28 February in other years. */
export function isBirthdayOn(birthday: string, localDay: string): boolean {
  const [, bm, bd] = birthday.split('-')
  const [y, m, d] = localDay.split('-')
  if (bm === m && bd === d) return true
  return bm === '02' && bd === '29' && !isLeap(Number(y)) && m === '02' && d === '28'
}

/**
 * The birthday to celebrate now, if any: today in the merchant's time zone, or up to
 * `catchUpDays` days ago when the server was down on the day. Returns the year it belongs to.
 */
export function birthdayDue(birthday: string | null, now: Date, timeZone: string, catchUpDays = 2): string | null {
  if (!birthday) return null
  for (let back = 0; back <= catchUpDays; back++) {
    const day = localDate(new Date(now.getTime() - back * 86_400_000), timeZone)
    if (isBirthdayOn(birthday, day)) return day.slice(0, 4)
  }
  return null
}

/** Fills {name}, {points}, {merchant}, {tier}; an unknown placeholder stays as written. */
export function fillTemplate(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole))
}

export const payloadBytes = (payload: string) => new TextEncoder().encode(payload).length
