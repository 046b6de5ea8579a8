/** How the feedback figures read: a value with its 95 % interval and its number of answers. */
export interface Interval {
  n: number
  low: number | null
  high: number | null
}

export const fmt = (locale: string, n: number | null | undefined, digits = 1) =>
  n === null || n === undefined ? '–' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n)

/** The interval's ends, formatted, or null when there is none (fewer than two answers). */
export const ends = (locale: string, s: Interval, digits = 1) =>
  s.low === null || s.high === null ? null : { low: fmt(locale, s.low, digits), high: fmt(locale, s.high, digits) }

export const pct = (locale: string, r: number | null | undefined) =>
  r === null || r === undefined
    ? '–'
    : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(r)
