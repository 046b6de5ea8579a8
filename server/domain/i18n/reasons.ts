import type { Locale } from '../../contract/locales.js'
import { fill } from './plural.js'
import { formatDay, formatMoney, formatNumber } from './format.js'

/*
 * Why an entry happened, as a code and its parameters beside the stored English text (migration
 * 0060): the card, the console and the exports render it in the reader's language. The staff member
 * and the location are the entry's own columns (staff_id, location_id), named where they are shown.
 * The client renders the same codes from its locale files (client/lib/reasons.ts, keys `reason.*`).
 */

export interface PurchaseParams {
  amount: number
  currency: string
  /** The part paid with a reward (minor units), when there was one. */
  discount?: number
  /** The minimum spend the purchase stayed below. */
  minimum?: number
  visit?: number
  /** The running promotion with the best multiplier (its name as the merchant wrote it). */
  promotion?: { name: string; multiplier: number }
  bonuses?: { name: string; points: number }[]
  tier?: { name: string; multiplier: number }
  /** The daily cap that cut the points. */
  cap?: number
}

export type Reason =
  | { code: 'purchase'; params: PurchaseParams }
  | { code: 'welcome' | 'birthday' | 'referral_inviter' | 'referral_invited'; params?: undefined }
  | { code: 'reward'; params: { reward: string } }
  | { code: 'expire'; params: { points: number; earnedOn: string } }
  | { code: 'undo'; params: { of: StoredReason } }
  | { code: 'moved_to' | 'moved_from'; params: { card: string } }
  | { code: 'survey'; params: { title: string } }
  /** A correction by staff: their own words, shown as written. */
  | { code: 'adjust'; params: { note: string } }

export type ReasonCode = Reason['code']
/** What an entry keeps: a code and parameters when it has them, and always the text of the time. */
export interface StoredReason {
  code: ReasonCode | null
  params: Reason['params'] | null
  text: string
}

export interface ReasonMessages {
  purchase: string
  paidWithReward: string
  belowMinimum: string
  perVisit: string
  promotion: string
  promotionBonus: string
  tier: string
  dailyCap: string
  separator: string
  welcome: string
  birthday: string
  referral_inviter: string
  referral_invited: string
  reward: string
  /** Plural by points. */
  expire: string
  undo: string
  moved_to: string
  moved_from: string
  survey: string
}

const multiplier = (m: number, locale: Locale) => formatNumber(Number(m.toFixed(2)), locale)

function purchase(p: PurchaseParams, m: ReasonMessages, l: Locale): string {
  const money = (minor: number) => formatMoney(minor, p.currency, l)
  const parts = [fill(m.purchase, { amount: money(p.amount) }, l)]
  if (p.discount) parts.push(fill(m.paidWithReward, { amount: money(Math.min(p.discount, p.amount)) }, l))
  if (p.minimum !== undefined) parts.push(fill(m.belowMinimum, { amount: money(p.minimum) }, l))
  if (p.visit) parts.push(fill(m.perVisit, { n: formatNumber(p.visit, l) }, l, p.visit))
  if (p.promotion)
    parts.push(fill(m.promotion, { name: p.promotion.name, m: multiplier(p.promotion.multiplier, l) }, l))
  for (const b of p.bonuses ?? []) parts.push(fill(m.promotionBonus, { name: b.name, n: formatNumber(b.points, l) }, l))
  if (p.tier) parts.push(fill(m.tier, { name: p.tier.name, m: multiplier(p.tier.multiplier, l) }, l))
  if (p.cap !== undefined) parts.push(fill(m.dailyCap, { n: formatNumber(p.cap, l) }, l, p.cap))
  return parts.join(m.separator)
}

/** The reason in `locale`; an entry without a code (or with one this version does not know) shows its text. */
export function renderReason(r: StoredReason, m: ReasonMessages, locale: Locale): string {
  const p = (r.params ?? {}) as Record<string, unknown>
  switch (r.code) {
    case 'purchase':
      return purchase(p as unknown as PurchaseParams, m, locale)
    case 'welcome':
    case 'birthday':
    case 'referral_inviter':
    case 'referral_invited':
      return m[r.code]
    case 'reward':
      return fill(m.reward, { reward: String(p.reward) }, locale)
    case 'expire': {
      const n = Number(p.points)
      return fill(m.expire, { n: formatNumber(n, locale), date: formatDay(String(p.earnedOn), locale) }, locale, n)
    }
    case 'undo':
      return fill(m.undo, { of: renderReason(p.of as StoredReason, m, locale) }, locale)
    case 'moved_to':
    case 'moved_from':
      return fill(m[r.code], { card: String(p.card) }, locale)
    case 'survey':
      return fill(m.survey, { title: String(p.title) }, locale)
    case 'adjust':
      return String(p.note ?? r.text)
    default:
      return r.text
  }
}

/** A correction's reason is the staff member's own words; it is shown as written, in every language. */
export const adjustWhy = (note: string): Reason => ({ code: 'adjust', params: { note } })

/** Reads the stored columns back; bad JSON (never written by us) falls back to the text. */
export function storedReason(row: {
  reason: string
  reason_code: string | null
  reason_params: string | null
}): StoredReason {
  if (!row.reason_code) return { code: null, params: null, text: row.reason }
  try {
    const params = row.reason_params ? (JSON.parse(row.reason_params) as Reason['params']) : null
    return { code: row.reason_code as ReasonCode, params, text: row.reason }
  } catch {
    return { code: null, params: null, text: row.reason }
  }
}
