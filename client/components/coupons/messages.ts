/** Wording shared by the coupon, reward and stamp screens: validity text and this feature's error messages. */
import { ApiError, errorKey } from '../../api/errors.js'
import { formatDate } from '../../lib/format.js'

type T = (key: string, named?: Record<string, unknown>, plural?: number) => string

interface Window {
  validFrom?: string | null
  validUntil?: string | null
  weekdays?: number[] | null
  hoursFrom?: string | null
  hoursUntil?: string | null
}

/** ISO weekday (Monday = 1) -> "Mon" in the user's language (2024-01-01 was a Monday). */
export function weekdayName(d: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, d)))
}

/** "Mon, Tue 14:00–17:00", or '' when the coupon is good on any day at any hour. */
export function whenText(w: Window, locale: string): string {
  const days = w.weekdays?.length ? w.weekdays.map((d) => weekdayName(d, locale)).join(', ') : ''
  const hours = w.hoursFrom && w.hoursUntil ? `${w.hoursFrom}–${w.hoursUntil}` : ''
  return [days, hours].filter(Boolean).join(' ')
}

const OWN_CODES = new Set([
  'coupon_not_found',
  'coupon_already_used',
  'coupon_not_valid_now',
  'reward_out_of_stock',
  'reward_limit_reached',
  'stamps_not_enabled',
  'stamp_daily_limit',
  'stamp_cooldown',
])

/** A translated message for any error these screens meet; validity and cooldown errors say when. */
export function perkError(t: T, e: unknown, locale: string): string {
  if (!(e instanceof ApiError) || !OWN_CODES.has(e.code)) return t(errorKey(e))
  const d = (e.details ?? {}) as Window & { reason?: string; waitMinutes?: number }
  if (e.code === 'coupon_not_valid_now') {
    if (d.reason === 'expired' && d.validUntil)
      return t('perks.errors.expired', { date: formatDate(d.validUntil, locale) })
    if (d.reason === 'not_yet' && d.validFrom)
      return t('perks.errors.notYet', { date: formatDate(d.validFrom, locale) })
    return t('perks.errors.coupon_not_valid_now', { when: whenText(d, locale) })
  }
  if (e.code === 'stamp_cooldown')
    return t('perks.errors.stamp_cooldown', { n: d.waitMinutes ?? 1 }, d.waitMinutes ?? 1)
  return t(`perks.errors.${e.code}`)
}
