/** Locale-aware formatting with cached Intl formatters. */

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()

function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`
  let f = cache.get(key) as Intl.NumberFormat | undefined
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, options)))
  return f
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`
  let f = cache.get(key) as Intl.DateTimeFormat | undefined
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, options)))
  return f
}

/**
 * Makes the formatters the first screens use. A language's first Intl formatter loads its data (about
 * a tenth of a second on a slow phone): main.ts calls this while the messages download.
 */
export function warmFormatters(locale: string): void {
  numberFormat(locale)
  dateFormat(locale, { timeStyle: 'short' })
}

export function formatNumber(n: number, locale: string): string {
  return numberFormat(locale).format(n)
}

/** "+12" / "−5": an explicit sign, with a real minus sign for screen readers and typography. */
export function formatSigned(n: number, locale: string): string {
  return numberFormat(locale, { signDisplay: 'exceptZero' }).format(n)
}

export function formatDateTime(iso: string | Date, locale: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso
  if (Number.isNaN(d.getTime())) return ''
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d)
}

export function formatDate(iso: string | Date, locale: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso
  if (Number.isNaN(d.getTime())) return ''
  return dateFormat(locale, { dateStyle: 'medium' }).format(d)
}

/** Time only when it is today, otherwise date and time: for "updated at ...". */
export function formatWhen(iso: string | Date, locale: string, now = new Date()): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso
  if (Number.isNaN(d.getTime())) return ''
  const sameDay = d.toDateString() === now.toDateString()
  return sameDay
    ? dateFormat(locale, { timeStyle: 'short' }).format(d)
    : dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d)
}

/** The date on this device's calendar as YYYY-MM-DD (what a date input holds). */
export function localIsoDate(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** "ABCD2345" -> "ABCD 2345" for reading. */
export function formatCardNumber(cardNumber: string): string {
  return cardNumber.length === 8 ? `${cardNumber.slice(0, 4)} ${cardNumber.slice(4)}` : cardNumber
}

/** Up to two initials for a monogram. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0]![0], words[1]![0]] : [...(words[0] ?? '?')].slice(0, 2)
  return letters.join('').toUpperCase()
}
