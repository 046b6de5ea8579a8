import type { Locale } from '../../contract/locales.js'
import { minorDigits } from '../earning.js'

/** Money, numbers and dates through Intl in the reader's language (the server's side; the client has lib/format.ts). */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined
  if (!f) cache.set(key, (f = make()))
  return f
}

/** 1250 EUR -> "12,50 €" (pl), "€12.50" (en), "12,50 EUR" (ro)... in the currency's own minor digits. */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  // The program's minor digits (what amounts are stored in), whatever a locale's habit for the currency.
  const digits = minorDigits(currency)
  const f = cached(
    `m|${locale}|${currency}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
  )
  return f.format(minor / 10 ** digits)
}

export function formatNumber(n: number, locale: Locale): string {
  return cached(`n|${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 })).format(n)
}

/** A calendar day (YYYY-MM-DD, already local to the merchant) as the reader writes dates. */
export function formatDay(day: string, locale: Locale): string {
  const d = new Date(`${day}T12:00:00Z`)
  if (Number.isNaN(d.getTime())) return day
  return cached(`d|${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })).format(
    d,
  )
}

/** An instant, in the merchant's time zone, as the reader writes dates and times. */
export function formatDateTime(iso: string, timeZone: string, locale: Locale): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return cached(
    `t|${locale}|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
  ).format(d)
}
