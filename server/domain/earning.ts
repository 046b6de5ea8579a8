import type { Rounding } from '../contract/merchant.js'

export interface EarnRule {
  pointsPerUnit: number
  /** Minor units that make one "unit" (100 for 1.00 EUR). */
  unitMinor: number
  rounding: Rounding
}

/** Points for a purchase, in integers only: amount * pointsPerUnit / unitMinor, rounded per the program. */
export function pointsForPurchase(amountMinor: number, rule: EarnRule): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return 0
  const numerator = amountMinor * rule.pointsPerUnit
  const whole = Math.floor(numerator / rule.unitMinor)
  const rest = numerator - whole * rule.unitMinor
  if (rest === 0) return whole
  switch (rule.rounding) {
    case 'floor':
      return whole
    case 'ceil':
      return whole + 1
    case 'round':
      return rest * 2 >= rule.unitMinor ? whole + 1 : whole
  }
}

const digitsCache = new Map<string, number>()
/** Minor-unit digits of a currency (EUR 2, JPY 0, KWD 3). */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency)
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    digitsCache.set(currency, d)
  }
  return d
}
