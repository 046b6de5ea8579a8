import type { Db } from '../../db/connection.js'
import { issueCoupon } from './coupons.js'
import { DAY_MS } from '../../domain/time.js'

/**
 * The optional coupon step of the birthday and win-back pushes: the coupon is issued in the push's
 * own transaction, only when the push really goes out, and the notification opens it.
 */
export interface CouponIssuer {
  issue(
    tx: Db,
    req: { merchantId: string; cardId: string; reason: 'birthday' | 'winback'; period: string; now: Date },
  ): Promise<{ couponId: string; url: string } | null>
}

const COUPONS = {
  birthday: {
    title: 'Happy birthday: a treat on us',
    description: 'Show this at the till on your next visit.',
    image: '🎂',
    days: 30,
  },
  winback: {
    title: 'We miss you: a treat on your next visit',
    description: 'Show this at the till when you come back.',
    image: '🎁',
    days: 14,
  },
} as const

/** Birthday and win-back coupons from the coupons service, valid for a month and two weeks. */
export const couponIssuer: CouponIssuer = {
  async issue(tx, r) {
    const c = COUPONS[r.reason]
    const coupon = await issueCoupon(tx, {
      cardId: r.cardId,
      merchantId: r.merchantId,
      source: 'automation',
      title: c.title,
      description: c.description,
      image: c.image,
      validUntil: new Date(r.now.getTime() + c.days * DAY_MS),
      now: r.now,
    })
    return { couponId: coupon.id, url: `/cards/${r.cardId}/coupons?coupon=${coupon.id}` }
  },
}
