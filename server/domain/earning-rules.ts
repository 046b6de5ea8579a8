import type { ProgramRules, Promotion, Tier } from '../contract/program.js'
import { minorDigits, pointsForPurchase } from './earning.js'
import type { PurchaseParams, Reason } from './i18n/reasons.js'
import { localDate, localParts } from './time.js'

export function formatMoney(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency)
  return `${(amountMinor / 10 ** digits).toFixed(digits)} ${currency}`
}

const fmtMultiplier = (m: number) => `x${Number(m.toFixed(2))}`

/** Whether a promotion runs at `at`, reading weekday, time and date in the merchant's timezone. */
export function promotionActive(p: Promotion, at: Date, tz: string): boolean {
  const l = localParts(at, tz)
  if (!p.weekdays.includes(l.weekday)) return false
  const hhmm = `${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`
  if (hhmm < p.startTime) return false
  if (p.endTime !== '00:00' && hhmm >= p.endTime) return false
  const day = localDate(at, tz)
  if (p.startDate && day < p.startDate) return false
  if (p.endDate && day > p.endDate) return false
  return true
}

export interface EarnInput {
  amountMinor: number
  /** The part of the purchase paid with a reward: it earns nothing. */
  discountMinor: number
  at: Date
  timezone: string
  currency: string
  rules: ProgramRules
  tier: Tier | null
  /** Points this card already earned today (merchant's local day), for the daily cap. */
  earnedToday: number
}

/**
 * Where the points of a purchase come from. The parts add up to the total: the multipliers' parts are
 * the points they added (after rounding down), the cap's part is what it took away (0 or negative).
 */
export interface EarnBreakdown {
  /** The amount that earns: the purchase minus the part paid with a reward. */
  eligibleMinor: number
  belowMinimum: boolean
  base: number
  visit: number
  promotion: { name: string; multiplier: number; points: number } | null
  promotionBonuses: { name: string; points: number }[]
  tier: { name: string; multiplier: number; points: number } | null
  cap: { limit: number; points: number } | null
}

export interface EarnResult {
  points: number
  reason: string
  /** The same reason as a code and parameters, for each reader's language. */
  why: Reason
  breakdown: EarnBreakdown
}

/**
 * Points for one purchase: rate on the part not paid with a reward, plus the visit points once the
 * minimum spend is met; the best running promotion's multiplier and every running promotion's bonus;
 * the tier multiplier; then the daily cap. Multiplied points are rounded down. The till's preview and
 * the award both come from here (services/till/quote.ts), so what the cashier is told is what is posted.
 */
export function earnForPurchase(i: EarnInput): EarnResult {
  const r = i.rules
  const eligible = Math.max(0, i.amountMinor - Math.max(0, i.discountMinor))
  const b: EarnBreakdown = {
    eligibleMinor: eligible,
    belowMinimum: false,
    base: 0,
    visit: 0,
    promotion: null,
    promotionBonuses: [],
    tier: null,
    cap: null,
  }
  const parts = [`Purchase of ${formatMoney(i.amountMinor, i.currency)}`]
  const params: PurchaseParams = { amount: i.amountMinor, currency: i.currency }
  const why: Reason = { code: 'purchase', params }
  if (i.discountMinor > 0) {
    parts.push(`${formatMoney(Math.min(i.discountMinor, i.amountMinor), i.currency)} paid with a reward`)
    params.discount = i.discountMinor
  }
  if (eligible < r.minSpendMinor || eligible === 0) {
    if (eligible < r.minSpendMinor) {
      parts.push(`below the ${formatMoney(r.minSpendMinor, i.currency)} minimum`)
      params.minimum = r.minSpendMinor
    }
    b.belowMinimum = eligible < r.minSpendMinor
    return { points: 0, reason: parts.join(', '), why, breakdown: b }
  }
  b.base = pointsForPurchase(eligible, r)
  b.visit = r.pointsPerVisit
  let points = b.base + b.visit
  if (r.pointsPerVisit > 0) {
    parts.push(`+${r.pointsPerVisit} per visit`)
    params.visit = r.pointsPerVisit
  }

  const running = r.promotions.filter((p) => promotionActive(p, i.at, i.timezone))
  const best = running.reduce<Promotion | null>((x, p) => (p.multiplier > (x?.multiplier ?? 1) ? p : x), null)
  if (best) {
    const multiplied = Math.floor(points * best.multiplier + 1e-9)
    b.promotion = { name: best.name, multiplier: best.multiplier, points: multiplied - points }
    points = multiplied
    parts.push(`${fmtMultiplier(best.multiplier)} ${best.name}`)
    params.promotion = { name: best.name, multiplier: best.multiplier }
  }
  for (const p of running) {
    if (p.bonusPoints > 0) {
      points += p.bonusPoints
      b.promotionBonuses.push({ name: p.name, points: p.bonusPoints })
      parts.push(`+${p.bonusPoints} ${p.name}`)
      ;(params.bonuses ??= []).push({ name: p.name, points: p.bonusPoints })
    }
  }
  if (i.tier && i.tier.multiplier !== 1) {
    const multiplied = Math.floor(points * i.tier.multiplier + 1e-9)
    b.tier = { name: i.tier.name, multiplier: i.tier.multiplier, points: multiplied - points }
    points = multiplied
    parts.push(`${i.tier.name} ${fmtMultiplier(i.tier.multiplier)}`)
    params.tier = { name: i.tier.name, multiplier: i.tier.multiplier }
  }
  if (r.dailyCapPoints !== null) {
    const room = Math.max(0, r.dailyCapPoints - i.earnedToday)
    if (points > room) {
      b.cap = { limit: r.dailyCapPoints, points: room - points }
      points = room
      parts.push(`daily cap of ${r.dailyCapPoints} reached`)
      params.cap = r.dailyCapPoints
    }
  }
  return { points, reason: parts.join(', '), why, breakdown: b }
}
