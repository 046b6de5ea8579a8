import { describe, expect, it } from 'vitest'
import { formatCouponCode, parseCouponCode, couponQrPayload } from '../../server/contract/coupon-code.js'
import {
  assertRedeemable,
  couponValidityAt,
  describeWindow,
  displayState,
  maskToWeekdays,
  newCouponCode,
  sortForWallet,
  weekdaysToMask,
  type CouponWindow,
} from '../../server/domain/coupons.js'
import { DomainError } from '../../server/domain/errors.js'
import { localParts } from '../../server/domain/time.js'

const TZ = 'Europe/Warsaw'
const always: CouponWindow = {
  validFrom: '2026-03-01T00:00:00.000Z',
  validUntil: null,
  weekdays: null,
  minuteFrom: null,
  minuteUntil: null,
}
/** Tuesdays and Wednesdays 14:00-17:00 in Warsaw, during March 2026 (CET, UTC+1 until 29 March). */
const happyHour: CouponWindow = {
  validFrom: '2026-03-01T00:00:00.000Z',
  validUntil: '2026-04-01T00:00:00.000Z',
  weekdays: weekdaysToMask([2, 3]),
  minuteFrom: 14 * 60,
  minuteUntil: 17 * 60,
}

function thrown(fn: () => void): DomainError {
  try {
    fn()
  } catch (e) {
    if (e instanceof DomainError) return e
    throw e
  }
  throw new Error('expected a DomainError')
}

describe('coupon codes', () => {
  it('makes 10-character Crockford base32 codes that differ each time', () => {
    const codes = new Set(Array.from({ length: 200 }, newCouponCode))
    expect(codes.size).toBe(200)
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
  })
  it('reads the QR payload and the typed code, forgiving case, dashes and look-alike letters', () => {
    expect(parseCouponCode(couponQrPayload('7K3M9QX2PA'))).toBe('7K3M9QX2PA')
    expect(parseCouponCode(formatCouponCode('7K3M9QX2PA').toLowerCase())).toBe('7K3M9QX2PA')
    expect(parseCouponCode('7k3m9 qx2pa')).toBe('7K3M9QX2PA')
    expect(parseCouponCode('O1IL0-00000')).toBe('0111000000')
  })
  it('rejects codes of the wrong length or with letters outside the alphabet', () => {
    expect(parseCouponCode('7K3M9QX2P')).toBeNull()
    expect(parseCouponCode('7K3M9QX2PU')).toBeNull()
    expect(parseCouponCode('LW1:ABCD2345:123456')).toBeNull()
  })
})

describe('coupon validity windows', () => {
  it('reads the wall clock in the merchant timezone', () => {
    expect(localParts(new Date('2026-03-10T13:30:00.000Z'), TZ)).toMatchObject({
      date: '2026-03-10',
      weekday: 2,
      minutes: 14 * 60 + 30,
    })
    expect(localParts(new Date('2026-03-10T23:30:00.000Z'), TZ)).toMatchObject({
      date: '2026-03-11',
      weekday: 3,
      minutes: 30,
    })
  })
  it('is valid inside its weekday hours in the merchant timezone', () => {
    expect(couponValidityAt(happyHour, new Date('2026-03-10T13:00:00.000Z'), TZ)).toEqual({ ok: true })
    expect(couponValidityAt(happyHour, new Date('2026-03-11T15:59:00.000Z'), TZ)).toEqual({ ok: true })
  })
  it('is not valid before the start hour or from the end hour on, though it is the right day in UTC terms', () => {
    // 13:30 UTC is 14:30 in Warsaw (valid), but 12:59 UTC is 13:59 there and 16:00 UTC is 17:00 there.
    expect(couponValidityAt(happyHour, new Date('2026-03-10T12:59:00.000Z'), TZ)).toEqual({
      ok: false,
      reason: 'hours',
    })
    expect(couponValidityAt(happyHour, new Date('2026-03-10T16:00:00.000Z'), TZ)).toEqual({
      ok: false,
      reason: 'hours',
    })
  })
  it('is not valid on other weekdays', () => {
    expect(couponValidityAt(happyHour, new Date('2026-03-12T14:00:00.000Z'), TZ)).toEqual({
      ok: false,
      reason: 'weekday',
    })
  })
  it('uses the local weekday when it differs from the UTC one', () => {
    const mondays: CouponWindow = { ...always, weekdays: weekdaysToMask([1]) }
    // Sunday 23:30 UTC is Monday 00:30 in Warsaw.
    expect(couponValidityAt(mondays, new Date('2026-03-15T23:30:00.000Z'), TZ)).toEqual({ ok: true })
    expect(couponValidityAt(mondays, new Date('2026-03-15T22:30:00.000Z'), TZ)).toEqual({
      ok: false,
      reason: 'weekday',
    })
  })
  it('handles hours that span midnight', () => {
    const late: CouponWindow = { ...always, minuteFrom: 22 * 60, minuteUntil: 2 * 60 }
    expect(couponValidityAt(late, new Date('2026-03-10T21:30:00.000Z'), TZ).ok).toBe(true) // 22:30 local
    expect(couponValidityAt(late, new Date('2026-03-11T00:30:00.000Z'), TZ).ok).toBe(true) // 01:30 local
    expect(couponValidityAt(late, new Date('2026-03-11T01:30:00.000Z'), TZ)).toEqual({ ok: false, reason: 'hours' }) // 02:30
  })
  it('is not valid before valid-from nor from valid-until on', () => {
    expect(couponValidityAt(happyHour, new Date('2026-02-28T23:59:59.000Z'), TZ)).toEqual({
      ok: false,
      reason: 'not_yet',
    })
    expect(couponValidityAt(happyHour, new Date('2026-04-01T00:00:00.000Z'), TZ)).toEqual({
      ok: false,
      reason: 'expired',
    })
  })
  it('keeps the same local hours across the daylight saving change', () => {
    // 31 March 2026 is a Tuesday in CEST (UTC+2): 14:00 local is 12:00 UTC.
    expect(couponValidityAt(happyHour, new Date('2026-03-31T12:00:00.000Z'), TZ)).toEqual({ ok: true })
    expect(couponValidityAt(happyHour, new Date('2026-03-31T15:00:00.000Z'), TZ)).toEqual({
      ok: false,
      reason: 'hours',
    })
  })
  it('maps weekdays to a mask and back, all seven days meaning every day', () => {
    expect(maskToWeekdays(weekdaysToMask([1, 3, 7]))).toEqual([1, 3, 7])
    expect(weekdaysToMask([1, 2, 3, 4, 5, 6, 7])).toBeNull()
    expect(weekdaysToMask([])).toBeNull()
  })
})

describe('redeeming a coupon', () => {
  const coupon = { ...happyHour, state: 'active' as const, uses: 0, maxUses: 1, lastRedeemedAt: null }
  it('says when the coupon is valid when used outside its hours', () => {
    const e = thrown(() => assertRedeemable(coupon, new Date('2026-03-10T10:00:00.000Z'), TZ))
    expect(e.code).toBe('coupon_not_valid_now')
    expect(e.status).toBe(422)
    expect(e.message).toContain('on Tue, Wed 14:00-17:00 (Europe/Warsaw time)')
    expect(e.details).toMatchObject({
      reason: 'hours',
      weekdays: [2, 3],
      hoursFrom: '14:00',
      hoursUntil: '17:00',
      timezone: TZ,
    })
  })
  it('says when an expired coupon ended', () => {
    const e = thrown(() => assertRedeemable(coupon, new Date('2026-04-02T13:00:00.000Z'), TZ))
    expect(e.message).toBe('This coupon expired on 2026-04-01T00:00:00.000Z.')
  })
  it('refuses a used coupon as already used, whatever the time', () => {
    const e = thrown(() =>
      assertRedeemable({ ...coupon, state: 'used', uses: 1 }, new Date('2026-03-10T13:00:00.000Z'), TZ),
    )
    expect(e.code).toBe('coupon_already_used')
    expect(e.status).toBe(409)
    expect(e.message).toBe('This coupon has already been used.')
  })
  it('allows a multi-use coupon until its uses are spent', () => {
    const multi = { ...always, state: 'active' as const, uses: 2, maxUses: 3, lastRedeemedAt: null }
    expect(() => assertRedeemable(multi, new Date('2026-03-10T13:00:00.000Z'), TZ)).not.toThrow()
    expect(thrown(() => assertRedeemable({ ...multi, uses: 3 }, new Date('2026-03-10T13:00:00.000Z'), TZ)).code).toBe(
      'coupon_already_used',
    )
  })
  it('describes an unrestricted window by its dates only', () => {
    expect(describeWindow(always, TZ)).toBe('from 2026-03-01T00:00:00.000Z')
  })
})

describe('coupons in the wallet', () => {
  const now = new Date('2026-03-10T12:00:00.000Z')
  it('shows an active coupon past its end as expired', () => {
    expect(displayState({ state: 'active', validUntil: '2026-03-10T11:59:59.000Z' }, now)).toBe('expired')
    expect(displayState({ state: 'active', validUntil: '2026-03-10T12:00:01.000Z' }, now)).toBe('active')
    expect(displayState({ state: 'used', validUntil: '2026-03-01T00:00:00.000Z' }, now)).toBe('used')
  })
  it('lists usable coupons soonest expiring first, open-ended last, then used and expired ones newest first', () => {
    const c = (
      id: string,
      state: 'active' | 'used' | 'expired',
      validUntil: string | null,
      lastRedeemedAt: string | null = null,
    ) => ({
      id,
      state,
      validUntil,
      lastRedeemedAt,
      createdAt: '2026-03-01T00:00:00.000Z',
    })
    const sorted = sortForWallet([
      c('open', 'active', null),
      c('late', 'active', '2026-05-01T00:00:00.000Z'),
      c('old-used', 'used', '2026-05-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'),
      c('soon', 'active', '2026-03-12T00:00:00.000Z'),
      c('expired', 'expired', '2026-03-05T00:00:00.000Z'),
    ])
    expect(sorted.map((x) => x.id)).toEqual(['soon', 'late', 'open', 'expired', 'old-used'])
  })
})
