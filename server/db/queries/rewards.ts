import type { Insertable, Updateable } from 'kysely'
import type { Tx } from '../connection.js'
import type { CouponRedemptionTable, CouponTable, RewardTable, StampCardTable, StampTable } from '../schema.js'

// ---- Rewards catalog ----------------------------------------------------------------------------

export const rewardsOfMerchant = (db: Tx, merchantId: string, onlyActive = false) => {
  let q = db.selectFrom('rewards').selectAll().where('merchant_id', '=', merchantId)
  if (onlyActive) q = q.where('active', '=', 1)
  return q.orderBy('points_cost', 'asc').orderBy('created_at', 'asc').execute()
}

export const rewardOfMerchant = (db: Tx, merchantId: string, id: string) =>
  db.selectFrom('rewards').selectAll().where('id', '=', id).where('merchant_id', '=', merchantId).executeTakeFirst()

export const insertReward = (db: Tx, row: Insertable<RewardTable>) => db.insertInto('rewards').values(row).execute()

export const updateReward = (db: Tx, merchantId: string, id: string, set: Updateable<RewardTable>) =>
  db.updateTable('rewards').set(set).where('id', '=', id).where('merchant_id', '=', merchantId).executeTakeFirst()

/** Takes one from stock: one atomic UPDATE that must change exactly one row (unlimited stock is not touched). */
export async function takeRewardStock(db: Tx, rewardId: string): Promise<boolean> {
  const res = await db
    .updateTable('rewards')
    .set((eb) => ({ stock: eb('stock', '-', 1) }))
    .where('id', '=', rewardId)
    .where('stock', '>', 0)
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

/** How many coupons each reward has given this card (the per-member limit counts them, used or not). */
export async function rewardsTakenByCard(db: Tx, cardId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('coupons')
    .select(['reward_id'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('card_id', '=', cardId)
    .where('reward_id', 'is not', null)
    .groupBy('reward_id')
    .execute()
  return new Map(rows.map((r) => [r.reward_id!, Number(r.n)]))
}

// ---- Coupons ------------------------------------------------------------------------------------

export const insertCoupon = (db: Tx, row: Insertable<CouponTable>) => db.insertInto('coupons').values(row).execute()

export const couponById = (db: Tx, id: string) =>
  db.selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirst()

export const couponByCode = (db: Tx, code: string) =>
  db.selectFrom('coupons').selectAll().where('code', '=', code).executeTakeFirst()

export async function couponCodeExists(db: Tx, code: string): Promise<boolean> {
  return (await db.selectFrom('coupons').select('id').where('code', '=', code).executeTakeFirst()) !== undefined
}

export const couponsOfCard = (db: Tx, cardId: string, limit = 200) =>
  db
    .selectFrom('coupons')
    .selectAll()
    .where('card_id', '=', cardId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute()

/**
 * Consumes one use of a coupon: one atomic UPDATE ... WHERE state = 'active' AND uses < max_uses that
 * must change exactly one row. Of concurrent redemptions of a single-use coupon exactly one wins.
 */
export async function consumeCouponUse(db: Tx, couponId: string, now: string): Promise<boolean> {
  const res = await db
    .updateTable('coupons')
    .set((eb) => ({
      uses: eb('uses', '+', 1),
      state: eb
        .case()
        .when(eb('uses', '+', 1), '>=', eb.ref('max_uses'))
        .then('used' as const)
        .else('active' as const)
        .end(),
      last_redeemed_at: now,
    }))
    .where('id', '=', couponId)
    .where('state', '=', 'active')
    .where((eb) => eb('uses', '<', eb.ref('max_uses')))
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

export const insertCouponRedemption = (db: Tx, row: Insertable<CouponRedemptionTable>) =>
  db.insertInto('coupon_redemptions').values(row).execute()

// ---- Stamp cards --------------------------------------------------------------------------------

export const stampCardOfMerchant = (db: Tx, merchantId: string) =>
  db.selectFrom('stamp_cards').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst()

export const insertStampCard = (db: Tx, row: Insertable<StampCardTable>) =>
  db.insertInto('stamp_cards').values(row).execute()

export const updateStampCard = (db: Tx, merchantId: string, set: Updateable<StampCardTable>) =>
  db.updateTable('stamp_cards').set(set).where('merchant_id', '=', merchantId).execute()

export const insertStamp = (db: Tx, row: Insertable<StampTable>) => db.insertInto('stamps').values(row).execute()

/** Stamp times of a card since `since`, newest first (for the cooldown and the daily limit). */
export async function stampTimesSince(db: Tx, cardId: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('stamps')
    .select('created_at')
    .where('card_id', '=', cardId)
    .where('created_at', '>=', since)
    .orderBy('created_at', 'desc')
    .execute()
  return rows.map((r) => r.created_at)
}

/** Stamps still counting on the card (not yet exchanged for a coupon) and the latest stamp time. */
export async function openStamps(db: Tx, cardId: string): Promise<{ count: number; lastAt: string | null }> {
  const r = await db
    .selectFrom('stamps')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('last')])
    .where('card_id', '=', cardId)
    .where('coupon_id', 'is', null)
    .executeTakeFirstOrThrow()
  return { count: Number(r.n), lastAt: (r.last as string | null) ?? null }
}

/** Exchanges the card's open stamps for the coupon they earned. */
export const closeOpenStamps = (db: Tx, cardId: string, couponId: string) =>
  db
    .updateTable('stamps')
    .set({ coupon_id: couponId })
    .where('card_id', '=', cardId)
    .where('coupon_id', 'is', null)
    .execute()

export async function staffName(db: Tx, staffId: string): Promise<string | null> {
  const r = await db.selectFrom('staff').select('name').where('id', '=', staffId).executeTakeFirst()
  return r?.name ?? null
}

/** The coupon's latest redemption with who made it (a staff member, or a POS key by its name). */
export const lastRedemptionOf = (db: Tx, couponId: string) =>
  db
    .selectFrom('coupon_redemptions as r')
    .leftJoin('staff as s', 's.id', 'r.staff_id')
    .leftJoin('api_keys as k', 'k.id', 'r.api_key_id')
    .leftJoin('locations as l', 'l.id', 'r.location_id')
    .select(['r.created_at', 's.name as staff_name', 'k.name as api_key_name', 'l.name as location_name'])
    .where('r.coupon_id', '=', couponId)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .executeTakeFirst()
