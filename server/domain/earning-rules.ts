import type { ProgramRules, Promotion, Tier } from '../contract/program.js'
import { minorDigits, pointsForPurchase } from './earning.js'
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

export interface EarnResult {
  points: number
  reason: string
}

/**
 * Points for one purchase: rate on the part not paid with a reward, plus the visit points once the
 * minimum spend is met; the best running promotion's multiplier and every running promotion's bonus;
 * the tier multiplier; then the daily cap. Multiplied points are rounded down.
 */
export function earnForPurchase(i: EarnInput): EarnResult {
  const r = i.rules
  const eligible = Math.max(0, i.amountMinor - Math.max(0, i.discountMinor))
  const parts = [`Purchase of ${formatMoney(i.amountMinor, i.currency)}`]
  if (i.discountMinor > 0)
    parts.push(`${formatMoney(Math.min(i.discountMinor, i.amountMinor), i.currency)} paid with a reward`)
  if (eligible < r.minSpendMinor || eligible === 0) {
    if (eligible < r.minSpendMinor) parts.push(`below the ${formatMoney(r.minSpendMinor, i.currency)} minimum`)
    return { points: 0, reason: parts.join(', ') }
  }
  let points = pointsForPurchase(eligible, r) + r.pointsPerVisit
  if (r.pointsPerVisit > 0) parts.push(`+${r.pointsPerVisit} per visit`)

  const running = r.promotions.filter((p) => promotionActive(p, i.at, i.timezone))
  const best = running.reduce<Promotion | null>((b, p) => (p.multiplier > (b?.multiplier ?? 1) ? p : b), null)
  if (best) {
    points = Math.floor(points * best.multiplier + 1e-9)
    parts.push(`${fmtMultiplier(best.multiplier)} ${best.name}`)
  }
  for (const p of running) {
    if (p.bonusPoints > 0) {
      points += p.bonusPoints
      parts.push(`+${p.bonusPoints} ${p.name}`)
    }
  }
  if (i.tier && i.tier.multiplier !== 1) {
    points = Math.floor(points * i.tier.multiplier + 1e-9)
    parts.push(`${i.tier.name} ${fmtMultiplier(i.tier.multiplier)}`)
  }
  if (r.dailyCapPoints !== null) {
    const room = Math.max(0, r.dailyCapPoints - i.earnedToday)
    if (points > room) {
      points = room
      parts.push(`daily cap of ${r.dailyCapPoints} reached`)
    }
  }
  return { points, reason: parts.join(', ') }
}
