import { randomInt } from 'node:crypto'
import { COUPON_CODE_ALPHABET, COUPON_CODE_LENGTH } from '../contract/coupon-code.js'
import { DomainError } from './errors.js'
import { localParts, minutesToHhmm } from './time.js'

/** 10 Crockford base32 characters: 50 random bits, short enough to type, too many to guess. */
export function newCouponCode(): string {
  let out = ''
  for (let i = 0; i < COUPON_CODE_LENGTH; i++) out += COUPON_CODE_ALPHABET[randomInt(COUPON_CODE_ALPHABET.length)]
  return out
}

/** When a coupon may be used: an instant range, and optionally weekdays and local hours. */
export interface CouponWindow {
  validFrom: string
  validUntil: string | null
  /** Bitmask: bit (isoWeekday - 1); null is every day. */
  weekdays: number | null
  /** Local minutes after midnight; an end before the start spans midnight (22:00-02:00). */
  minuteFrom: number | null
  minuteUntil: number | null
}

export type CouponInvalidReason = 'not_yet' | 'expired' | 'weekday' | 'hours'
export type Validity = { ok: true } | { ok: false; reason: CouponInvalidReason }

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

export function weekdaysToMask(days: readonly number[] | null | undefined): number | null {
  if (!days || days.length === 0 || days.length === 7) return null
  return days.reduce((m, d) => m | (1 << (d - 1)), 0)
}

export function maskToWeekdays(mask: number | null): number[] | null {
  if (mask === null) return null
  return [1, 2, 3, 4, 5, 6, 7].filter((d) => mask & (1 << (d - 1)))
}

function inHours(minutes: number, from: number, until: number): boolean {
  return from <= until ? minutes >= from && minutes < until : minutes >= from || minutes < until
}

/** Whether the coupon's window admits `now`, judged on the merchant's wall clock for days and hours. */
export function couponValidityAt(w: CouponWindow, now: Date, timeZone: string): Validity {
  const at = now.toISOString()
  if (at < w.validFrom) return { ok: false, reason: 'not_yet' }
  if (w.validUntil !== null && at >= w.validUntil) return { ok: false, reason: 'expired' }
  const local = localParts(now, timeZone)
  if (w.weekdays !== null && !(w.weekdays & (1 << (local.weekday - 1)))) return { ok: false, reason: 'weekday' }
  if (w.minuteFrom !== null && w.minuteUntil !== null && !inHours(local.minutes, w.minuteFrom, w.minuteUntil)) {
    return { ok: false, reason: 'hours' }
  }
  return { ok: true }
}

/** "Mon, Tue 14:00-17:00 (Europe/Warsaw), from ... until ..." for error messages and logs. */
export function describeWindow(w: CouponWindow, timeZone: string): string {
  const parts: string[] = []
  const days = maskToWeekdays(w.weekdays)
  if (days) parts.push(`on ${days.map((d) => DAY_NAMES[d - 1]).join(', ')}`)
  if (w.minuteFrom !== null && w.minuteUntil !== null) {
    parts.push(`${minutesToHhmm(w.minuteFrom)}-${minutesToHhmm(w.minuteUntil)} (${timeZone} time)`)
  }
  parts.push(`from ${w.validFrom}`)
  if (w.validUntil) parts.push(`until ${w.validUntil}`)
  return parts.join(' ')
}

export interface RedeemableCoupon extends CouponWindow {
  state: 'active' | 'used' | 'void'
  uses: number
  maxUses: number
  lastRedeemedAt: string | null
}

/**
 * Refuses a coupon that is used up or outside its window, with a message that says when it is valid.
 * The atomic UPDATE still decides between concurrent redemptions; this gives the clear answer.
 */
export function assertRedeemable(c: RedeemableCoupon, now: Date, timeZone: string): void {
  if (c.state !== 'active' || c.uses >= c.maxUses) {
    throw new DomainError('coupon_already_used', 'This coupon has already been used.', {
      lastRedeemedAt: c.lastRedeemedAt,
    })
  }
  const v = couponValidityAt(c, now, timeZone)
  if (v.ok) return
  const when = describeWindow(c, timeZone)
  const message =
    v.reason === 'expired'
      ? `This coupon expired on ${c.validUntil}.`
      : v.reason === 'not_yet'
        ? `This coupon is valid from ${c.validFrom}.`
        : `This coupon is valid only ${when}.`
  throw new DomainError('coupon_not_valid_now', message, {
    reason: v.reason,
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    weekdays: maskToWeekdays(c.weekdays),
    hoursFrom: c.minuteFrom === null ? null : minutesToHhmm(c.minuteFrom),
    hoursUntil: c.minuteUntil === null ? null : minutesToHhmm(c.minuteUntil),
    timezone: timeZone,
  })
}

export type DisplayState = 'active' | 'used' | 'expired' | 'void'

export function displayState(
  c: { state: 'active' | 'used' | 'void'; validUntil: string | null },
  now: Date,
): DisplayState {
  if (c.state === 'active' && c.validUntil !== null && c.validUntil <= now.toISOString()) return 'expired'
  return c.state
}

/** Usable coupons first, soonest expiring first (no end date last); then the rest, most recent first. */
export function sortForWallet<
  T extends { state: DisplayState; validUntil: string | null; createdAt: string; lastRedeemedAt: string | null },
>(coupons: readonly T[]): T[] {
  const live = coupons.filter((c) => c.state === 'active')
  const past = coupons.filter((c) => c.state !== 'active')
  live.sort((a, b) => {
    if (a.validUntil === b.validUntil) return a.createdAt < b.createdAt ? -1 : 1
    if (a.validUntil === null) return 1
    if (b.validUntil === null) return -1
    return a.validUntil < b.validUntil ? -1 : 1
  })
  const endedAt = (c: T) => c.lastRedeemedAt ?? c.validUntil ?? c.createdAt
  past.sort((a, b) => (endedAt(a) < endedAt(b) ? 1 : -1))
  return [...live, ...past]
}
