import { isLocale, type Locale } from '../../contract/locales.js'
import type { Db } from '../../db/connection.js'
import { messagesFor } from '../../domain/i18n/index.js'
import { issueCoupon } from './coupons.js'
import { DAY_MS } from '../../domain/time.js'

/**
 * The optional coupon step of the birthday and win-back pushes: the coupon is issued in the push's
 * own transaction, only when the push really goes out, and the notification opens it.
 */
export interface CouponIssuer {
  issue(
    tx: Db,
    req: {
      merchantId: string
      cardId: string
      reason: 'birthday' | 'winback'
      period: string
      now: Date
      /** The member's stored language (customers.locale) and the merchant's default language. */
      memberLocale: string | null | undefined
      defaultLocale: string | null | undefined
    },
  ): Promise<{ couponId: string; url: string } | null>
}

const COUPONS = {
  birthday: { image: '🎂', days: 30 },
  winback: { image: '🎁', days: 14 },
} as const

/** The language a coupon is written in: the member's, else the merchant's default, else English. */
export const couponLocale = (member: string | null | undefined, merchantDefault: string | null | undefined): Locale =>
  isLocale(member) ? member : isLocale(merchantDefault) ? merchantDefault : 'en'

/**
 * Birthday and win-back coupons from the coupons service, valid for a month and two weeks, titled in
 * the member's language from the server's catalogs (`coupons`); the coupon keeps the words it was
 * issued with.
 */
export const couponIssuer: CouponIssuer = {
  async issue(tx, r) {
    const c = COUPONS[r.reason]
    const text = messagesFor(couponLocale(r.memberLocale, r.defaultLocale)).coupons[r.reason]
    const coupon = await issueCoupon(tx, {
      cardId: r.cardId,
      merchantId: r.merchantId,
      source: 'automation',
      title: text.title,
      description: text.description,
      image: c.image,
      validUntil: new Date(r.now.getTime() + c.days * DAY_MS),
      now: r.now,
    })
    return { couponId: coupon.id, url: `/cards/${r.cardId}/coupons?coupon=${coupon.id}` }
  },
}
