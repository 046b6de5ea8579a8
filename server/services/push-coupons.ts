import type { Db } from '../db/connection.js'

/**
 * The optional coupon step of the birthday and win-back pushes. Coupons are built on branch
 * issue-4b (`issueCoupon(tx, {...})`); until it is wired, pushes go without one.
 */
export interface CouponIssuer {
  issue(
    tx: Db,
    req: { merchantId: string; cardId: string; reason: 'birthday' | 'winback'; period: string; now: Date },
  ): Promise<{ couponId: string; url: string } | null>
}
