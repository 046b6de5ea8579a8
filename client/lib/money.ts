/** Money is integer minor units plus an ISO 4217 currency; never floats in arithmetic. */

const digitsCache = new Map<string, number>()

/** Minor-unit digits of a currency (EUR 2, JPY 0, KWD 3). */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency)
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    } catch {
      d = 2
    }
    digitsCache.set(currency, d)
  }
  return d
}

export const MAX_PURCHASE_MINOR = 100_000_000

export type ParsedAmount =
  | { ok: true; minor: number }
  | { ok: false; reason: 'empty' | 'invalid' | 'too_many_decimals' | 'not_positive' | 'too_large' }

/**
 * "12,50", "12.50", "1 234,5", "1,234.50" -> minor units, by string arithmetic (no float rounding).
 * When both separators appear, the last one is the decimal separator and the other groups thousands.
 */
export function parseAmountToMinor(input: string, currency: string): ParsedAmount {
  const digits = minorDigits(currency)
  const s = input.replace(/[\s\u00a0\u202f']/g, '')
  if (s === '') return { ok: false, reason: 'empty' }
  if (!/^[\d.,]+$/.test(s)) return { ok: false, reason: 'invalid' }

  const commas = s.split(',').length - 1
  const dots = s.split('.').length - 1
  let intPart = s
  let fracPart = ''
  if (commas && dots) {
    const decimal = s.lastIndexOf(',') > s.lastIndexOf('.') ? ',' : '.'
    const parts = s.split(decimal)
    if (parts.length !== 2) return { ok: false, reason: 'invalid' }
    const grouped = ungroup(parts[0]!, decimal === ',' ? '.' : ',')
    if (grouped === null) return { ok: false, reason: 'invalid' }
    intPart = grouped
    fracPart = parts[1]!
  } else if (commas + dots > 1) {
    // "1.234.567": only thousands groups, no decimals.
    const grouped = ungroup(s, commas ? ',' : '.')
    if (grouped === null) return { ok: false, reason: 'invalid' }
    intPart = grouped
  } else if (commas + dots === 1) {
    ;[intPart, fracPart] = s.split(commas ? ',' : '.') as [string, string]
  }
  if (intPart === '' && fracPart === '') return { ok: false, reason: 'invalid' }
  if (fracPart.length > digits) return { ok: false, reason: 'too_many_decimals' }
  const whole = intPart.replace(/^0+(?=\d)/, '') || '0'
  if (whole.length > 12) return { ok: false, reason: 'too_large' }
  const minor = Number(whole) * 10 ** digits + Number(fracPart.padEnd(digits, '0') || '0')
  if (minor <= 0) return { ok: false, reason: 'not_positive' }
  if (minor > MAX_PURCHASE_MINOR) return { ok: false, reason: 'too_large' }
  return { ok: true, minor }
}

/** "1.234.567" with group "." -> "1234567"; null unless the groups are 1-3 digits then threes. */
function ungroup(s: string, group: string): string | null {
  const groups = s.split(group)
  if (!/^\d{1,3}$/.test(groups[0]!) || !groups.slice(1).every((g) => /^\d{3}$/.test(g))) return null
  return groups.join('')
}

/** Points preview for a purchase: amount * pointsPerUnit / unitMinor, floored, integers only. */
export function pointsForPurchase(amountMinor: number, pointsPerUnit: number, unitMinor: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || unitMinor <= 0) return 0
  return Math.floor((amountMinor * pointsPerUnit) / unitMinor)
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = minorDigits(currency)
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** digits)
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`
  }
}

/** The currency symbol as the locale writes it ("€", "zł"), for labelling amount inputs. */
export function currencySymbol(currency: string, locale: string): string {
  try {
    const part = new Intl.NumberFormat(locale, { style: 'currency', currency })
      .formatToParts(0)
      .find((p) => p.type === 'currency')
    return part?.value ?? currency
  } catch {
    return currency
  }
}
