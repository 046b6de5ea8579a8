import type { StampCardSettings, StampProgress, StampResponse } from '../../contract/rewards.js'
import { writeTx, type Db } from '../../db/connection.js'
import { merchantById } from '../../db/queries/merchants.js'
import {
  closeOpenStamps,
  insertStamp,
  insertStampCard,
  openStamps,
  stampCardOfMerchant,
  stampTimesSince,
  updateStampCard,
} from '../../db/queries/rewards.js'
import type { Card, StampCard } from '../../db/schema.js'
import { assertBusinessActive } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import { assertStampAllowed, stampsAfter } from '../../domain/stamps.js'
import { issueCoupon, toCoupon } from './coupons.js'
import { emitEvent } from '../webhooks/events.js'
import type { Actor, Deps } from '../common/deps.js'
import { runIdempotent } from '../common/idempotency.js'
import { openHandle } from '../till/scan.js'
import { DAY_MS } from '../../domain/time.js'

/** The daily limit looks at the merchant's local day; 48 hours back always covers it. */
const LOOKBACK_MS = 2 * DAY_MS

export function toStampSettings(s: StampCard): StampCardSettings {
  return {
    stampsRequired: s.stamps_required,
    rewardTitle: s.reward_title,
    rewardTerms: s.reward_terms,
    rewardValidDays: s.reward_valid_days,
    dailyLimit: s.daily_limit,
    cooldownMinutes: s.cooldown_minutes,
    active: s.active === 1,
  }
}

export async function stampCardSettings(deps: Deps, merchantId: string): Promise<StampCardSettings | null> {
  const s = await stampCardOfMerchant(deps.db, merchantId)
  return s ? toStampSettings(s) : null
}

/** Creates or changes the merchant's stamp card; stamps already on cards keep counting. */
export async function saveStampCard(
  deps: Deps,
  merchantId: string,
  input: StampCardSettings,
): Promise<StampCardSettings> {
  const at = deps.clock.now().toISOString()
  const set = {
    stamps_required: input.stampsRequired,
    reward_title: input.rewardTitle,
    reward_terms: input.rewardTerms,
    reward_valid_days: input.rewardValidDays,
    daily_limit: input.dailyLimit,
    cooldown_minutes: input.cooldownMinutes,
    active: input.active ? 1 : 0,
    updated_at: at,
  }
  await writeTx(deps.db, async (tx) => {
    if (await stampCardOfMerchant(tx, merchantId)) await updateStampCard(tx, merchantId, set)
    else await insertStampCard(tx, { id: newId(), merchant_id: merchantId, created_at: at, ...set })
  })
  return (await stampCardSettings(deps, merchantId))!
}

/** The stamps a card shows; null when the merchant has no active stamp card. */
export async function stampProgress(db: Db, merchantId: string, cardId: string): Promise<StampProgress | null> {
  const s = await stampCardOfMerchant(db, merchantId)
  if (!s || s.active !== 1) return null
  const open = await openStamps(db, cardId)
  return {
    filled: Math.min(open.count, s.stamps_required),
    required: s.stamps_required,
    rewardTitle: s.reward_title,
    lastStampAt: open.lastAt,
  }
}

/**
 * Adds a stamp to the card a scan opened. The cooldown and the per-day limit (merchant's local day)
 * are checked in the same write transaction as the insert; the stamp that fills the card issues the
 * reward coupon at once and starts a new card.
 */
export function addStamp(deps: Deps, actor: Actor, req: { handle: string }, key: string) {
  const now = deps.clock.now()
  return runIdempotent<StampResponse>(
    deps.db,
    { merchantId: actor.merchantId, scope: 'staff:stamp', key, request: req, now: now.toISOString() },
    async (tx) => {
      const { card, locationId } = await openHandle(tx, actor.merchantId, req.handle, now)
      return { status: 201, body: await stampCard(tx, card, actor, now, locationId), cardId: card.id }
    },
  )
}

/**
 * One stamp on a card, in the caller's transaction, given `at` (the moment the stamp was earned: now,
 * or when a till that was offline captured the card's code) and where (the till's location, or null).
 * A suspended or closed business stamps nothing.
 */
export async function stampCard(
  tx: Db,
  card: Card,
  actor: Actor,
  at: Date,
  locationId: string | null,
): Promise<StampResponse> {
  const iso = at.toISOString()
  const sc = await stampCardOfMerchant(tx, card.merchant_id)
  if (!sc || sc.active !== 1) {
    throw new DomainError(
      'stamps_not_enabled',
      'This shop has no stamp card. An owner or manager can set one up under Rewards.',
    )
  }
  const merchant = (await merchantById(tx, card.merchant_id))!
  assertBusinessActive(merchant)
  const recent = await stampTimesSince(tx, card.id, new Date(at.getTime() - LOOKBACK_MS).toISOString())
  assertStampAllowed(
    { dailyLimit: sc.daily_limit, cooldownMinutes: sc.cooldown_minutes, timeZone: merchant.timezone },
    recent,
    at,
  )
  await insertStamp(tx, {
    id: newId(),
    card_id: card.id,
    merchant_id: card.merchant_id,
    staff_id: actor.staffId,
    coupon_id: null,
    created_at: iso,
    location_id: locationId,
  })
  const open = await openStamps(tx, card.id)
  const { filled, completed } = stampsAfter(open.count, sc.stamps_required)
  let coupon = null
  if (completed) {
    const row = await issueCoupon(tx, {
      cardId: card.id,
      merchantId: card.merchant_id,
      source: 'stamps',
      title: sc.reward_title,
      description: sc.reward_terms,
      validUntil: new Date(at.getTime() + sc.reward_valid_days * DAY_MS),
      now: at,
    })
    await closeOpenStamps(tx, card.id, row.id)
    coupon = toCoupon(row, merchant.timezone, at)
    await emitEvent(
      tx,
      card.merchant_id,
      'stampcard.completed',
      {
        cardId: card.id,
        cardNumber: card.card_number,
        stampCardId: sc.id,
        stamps: sc.stamps_required,
        couponId: row.id,
      },
      at,
    )
  }
  return {
    stamps: {
      filled: completed ? 0 : filled,
      required: sc.stamps_required,
      rewardTitle: sc.reward_title,
      lastStampAt: iso,
    },
    coupon,
  }
}
