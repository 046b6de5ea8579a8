import { couponQrPayload, parseCouponCode } from '../../contract/coupon-code.js'
import type {
  Coupon as CouponDto,
  CouponAtTill,
  CouponRedeemed,
  CouponRedemptionInfo,
  CouponSource,
} from '../../contract/rewards.js'
import type { Db } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import { cardForHandle } from '../till/scan.js'
import { assertBusinessOpen } from '../platform/status.js'
import { tillLocation } from '../locations/locations.js'
import { emitEvent } from '../webhooks/events.js'
import { merchantById } from '../../db/queries/merchants.js'
import { customerById } from '../../db/queries/people.js'
import {
  consumeCouponUse,
  couponByCode,
  couponById,
  couponCodeExists,
  couponsOfCard,
  insertCoupon,
  insertCouponRedemption,
  lastRedemptionOf,
  staffName,
} from '../../db/queries/rewards.js'
import type { Coupon } from '../../db/schema.js'
import {
  assertRedeemable,
  displayState,
  maskToWeekdays,
  newCouponCode,
  sortForWallet,
  weekdaysToMask,
} from '../../domain/coupons.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import { minutesToHhmm } from '../../domain/time.js'
import type { Actor, Deps } from '../common/deps.js'
import { runIdempotent } from '../common/idempotency.js'

export interface IssueCoupon {
  cardId: string
  merchantId: string
  source: CouponSource
  title: string
  description?: string | null
  image?: string | null
  rewardId?: string | null
  ledgerEntryId?: string | null
  /** Defaults to now. */
  validFrom?: Date
  validUntil?: Date | null
  /** ISO weekdays (Monday = 1); empty or all seven is every day. */
  weekdays?: number[] | null
  /** Local minutes after midnight in the merchant's timezone. */
  minuteFrom?: number | null
  minuteUntil?: number | null
  /** Total redemptions allowed; 1 is single use. */
  maxUses?: number
  now: Date
}

/**
 * Issues a coupon to a card inside the caller's transaction: rewards, stamp cards, campaigns and
 * automations all come through here. The code is unique (checked, and a UNIQUE constraint).
 */
export async function issueCoupon(tx: Db, c: IssueCoupon): Promise<Coupon> {
  let code = newCouponCode()
  for (let i = 0; i < 5 && (await couponCodeExists(tx, code)); i++) code = newCouponCode()
  const hasHours = c.minuteFrom != null && c.minuteUntil != null
  const row: Coupon = {
    id: newId(),
    merchant_id: c.merchantId,
    card_id: c.cardId,
    code,
    source: c.source,
    reward_id: c.rewardId ?? null,
    ledger_entry_id: c.ledgerEntryId ?? null,
    title: c.title,
    description: c.description || null,
    image: c.image || null,
    valid_from: (c.validFrom ?? c.now).toISOString(),
    valid_until: c.validUntil ? c.validUntil.toISOString() : null,
    weekdays: weekdaysToMask(c.weekdays),
    minute_from: hasHours ? c.minuteFrom! : null,
    minute_until: hasHours ? c.minuteUntil! : null,
    max_uses: c.maxUses ?? 1,
    uses: 0,
    state: 'active',
    last_redeemed_at: null,
    created_at: c.now.toISOString(),
  }
  await insertCoupon(tx, row)
  await emitEvent(
    tx,
    c.merchantId,
    'coupon.issued',
    async () => ({
      cardId: c.cardId,
      cardNumber: (await cardById(tx, c.cardId))?.card_number ?? null,
      couponId: row.id,
      source: row.source,
      rewardId: row.reward_id,
      validFrom: row.valid_from,
      validUntil: row.valid_until,
    }),
    c.now,
  )
  return row
}

export function toCoupon(c: Coupon, timezone: string, now: Date): CouponDto {
  return {
    id: c.id,
    code: c.code,
    qrPayload: couponQrPayload(c.code),
    title: c.title,
    description: c.description,
    image: c.image,
    source: c.source,
    rewardId: c.reward_id,
    validFrom: c.valid_from,
    validUntil: c.valid_until,
    weekdays: maskToWeekdays(c.weekdays),
    hoursFrom: c.minute_from === null ? null : minutesToHhmm(c.minute_from),
    hoursUntil: c.minute_until === null ? null : minutesToHhmm(c.minute_until),
    timezone,
    maxUses: c.max_uses,
    uses: c.uses,
    state: displayState({ state: c.state, validUntil: c.valid_until }, now),
    lastRedeemedAt: c.last_redeemed_at,
    createdAt: c.created_at,
  }
}

const window = (c: Coupon) => ({
  state: c.state,
  uses: c.uses,
  maxUses: c.max_uses,
  lastRedeemedAt: c.last_redeemed_at,
  validFrom: c.valid_from,
  validUntil: c.valid_until,
  weekdays: c.weekdays,
  minuteFrom: c.minute_from,
  minuteUntil: c.minute_until,
})

/** This merchant's coupon for a scanned or typed code; another merchant's reads as not found. */
async function merchantCoupon(tx: Db, merchantId: string, input: string) {
  const code = parseCouponCode(input)
  const coupon = code ? await couponByCode(tx, code) : undefined
  if (!coupon || coupon.merchant_id !== merchantId) {
    throw new DomainError('coupon_not_found', 'No coupon with this code in your program. Check the code and try again.')
  }
  const merchant = await merchantById(tx, merchantId)
  const card = await cardById(tx, coupon.card_id)
  const customer = card ? await customerById(tx, card.customer_id) : undefined
  return {
    coupon,
    timezone: merchant!.timezone,
    memberName: customer?.name ?? '',
    cardNumber: card?.card_number ?? '',
    cardId: card?.id ?? null,
  }
}

/** What the till shows after scanning a coupon, before redeeming it; reading changes nothing. */
export async function lookupCoupon(deps: Deps, actor: Actor, input: string): Promise<CouponAtTill> {
  const now = deps.clock.now()
  await assertBusinessOpen(deps.db, actor.merchantId)
  const found = await merchantCoupon(deps.db, actor.merchantId, input)
  return {
    coupon: toCoupon(found.coupon, found.timezone, now),
    memberName: found.memberName,
    cardNumber: found.cardNumber,
    lastRedemption: await lastRedemption(deps.db, found.coupon.id),
  }
}

/** When, by whom and at which location the coupon was last used, or null. */
async function lastRedemption(db: Db, couponId: string): Promise<CouponRedemptionInfo | null> {
  const r = await lastRedemptionOf(db, couponId)
  return r
    ? { at: r.created_at, staffName: r.staff_name, tillName: r.api_key_name, locationName: r.location_name }
    : null
}

/**
 * Redeems a coupon at the till. The validity checks give a clear refusal; the one atomic UPDATE decides
 * between concurrent redemptions, so of 50 at once exactly one succeeds. Who and when are recorded.
 */
export async function redeemCoupon(deps: Deps, actor: Actor, input: string, key: string, locationId?: string) {
  const now = deps.clock.now()
  const at = now.toISOString()
  const request = { code: parseCouponCode(input) ?? input.trim() }
  await assertBusinessOpen(deps.db, actor.merchantId)
  // Where the till stands: as for a card scan (a POS key knows its own).
  const location =
    actor.role === 'pos'
      ? (actor.locationId ?? null)
      : ((await tillLocation(deps.db, { merchantId: actor.merchantId, staffId: actor.staffId }, locationId))?.id ??
        null)
  return runIdempotent<CouponRedeemed>(
    deps.db,
    { merchantId: actor.merchantId, scope: 'staff:coupon', key, request, now: at },
    async (tx) => {
      const found = await merchantCoupon(tx, actor.merchantId, input)
      // The verdict the till shows at the top: used, when, by whom and where.
      const used = async () =>
        new DomainError('coupon_already_used', 'This coupon has already been used.', {
          lastRedeemedAt: found.coupon.last_redeemed_at,
          lastRedemption: await lastRedemption(tx, found.coupon.id),
        })
      if (found.coupon.state !== 'active' || found.coupon.uses >= found.coupon.max_uses) throw await used()
      assertRedeemable(window(found.coupon), now, found.timezone)
      if (!(await consumeCouponUse(tx, found.coupon.id, at))) throw await used()
      const redemptionId = newId()
      await insertCouponRedemption(tx, {
        id: redemptionId,
        coupon_id: found.coupon.id,
        merchant_id: actor.merchantId,
        staff_id: actor.staffId,
        api_key_id: actor.apiKeyId,
        created_at: at,
        location_id: location,
      })
      await emitEvent(
        tx,
        actor.merchantId,
        'coupon.redeemed',
        {
          cardId: found.coupon.card_id,
          cardNumber: found.cardNumber,
          couponId: found.coupon.id,
          redemptionId,
          locationId: location,
          staffId: actor.staffId,
          apiKeyId: actor.apiKeyId,
        },
        now,
      )
      const after = (await couponById(tx, found.coupon.id))!
      return {
        status: 200,
        cardId: found.cardId,
        body: {
          coupon: toCoupon(after, found.timezone, now),
          memberName: found.memberName,
          cardNumber: found.cardNumber,
          lastRedemption: await lastRedemption(tx, found.coupon.id),
          redemption: { id: redemptionId, at, staffName: actor.staffId ? await staffName(tx, actor.staffId) : null },
        },
      }
    },
  )
}

/** The usable coupons of the card a scan opened, so a member without the coupon on screen can still use it. */
export async function couponsOnCard(deps: Deps, actor: Actor, handle: string): Promise<CouponDto[]> {
  const now = deps.clock.now()
  const card = await cardForHandle(deps.db, actor.merchantId, handle, now, false)
  const merchant = (await merchantById(deps.db, actor.merchantId))!
  const all = (await couponsOfCard(deps.db, card.id)).map((c) => toCoupon(c, merchant.timezone, now))
  return sortForWallet(all.filter((c) => c.state === 'active'))
}
