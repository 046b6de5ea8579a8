import type { Db } from '../../db/connection.js'
import { cardById, cardWithDeviceByNumber, isReversed, ledgerEntryById } from '../../db/queries/cards.js'
import { cardTier, earnedSince, hasPurchase } from '../../db/queries/program.js'
import type { Card } from '../../db/schema.js'
import { earnForPurchase } from '../../domain/earning-rules.js'
import { lotExpiry } from '../../domain/expiry.js'
import { tierIndex } from '../../domain/tiers.js'
import { startOfLocalDay } from '../../domain/time.js'
import { assertBusinessActive } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'
import { reversalPoints } from '../../domain/ledger.js'
import type { Actor, Deps } from '../common/deps.js'
import { runIdempotent } from '../common/idempotency.js'
import { grantReferralBonuses } from '../program/bonuses.js'
import { programContext } from '../program/engine.js'
import { postEntry } from '../program/post-entry.js'
import { upgradeIfQualified } from '../program/tiers.js'
import { queueEarnedPush } from '../push/queue.js'
import { isPracticeHandle, practiceEarn } from '../first-run/practice.js'
import { cardClosed, consumeRotatingCode, openHandle } from './scan.js'
import { assertBusinessOpen } from '../platform/status.js'

/**
 * Points for a purchase under the rules in force: rate, visit points, minimum spend, promotions, tier
 * multiplier, daily cap, and nothing on the part paid with a reward. Then, in the same transaction:
 * an immediate tier upgrade, and the referral bonuses after a referred member's first purchase.
 */
async function earnOnCard(
  tx: Db,
  card: Card & { has_device?: number | boolean },
  actor: Actor,
  amountMinor: number,
  discountMinor: number,
  key: string,
  now: Date,
  locationId: string | null,
) {
  const ctx = await programContext(tx, card.merchant_id, now)
  // A suspended or closed business earns nothing, at the till or from its POS.
  assertBusinessActive(ctx.merchant)
  const tz = ctx.merchant.timezone
  // Each read below is made only when a rule of the program needs it: an earn is the hot path.
  const hasTiers = ctx.rules.tiers.length > 0
  const tierRow = hasTiers ? await cardTier(tx, card.id) : undefined
  const tier = hasTiers ? (ctx.rules.tiers[tierIndex(tierRow?.tier, ctx.rules.tiers)] ?? null) : null
  const referralDue =
    card.referred_by_card_id !== null && ctx.rules.referralBonus > 0 && !(await hasPurchase(tx, card.id))
  const earned = earnForPurchase({
    amountMinor,
    discountMinor,
    at: now,
    timezone: tz,
    currency: ctx.merchant.currency,
    rules: ctx.rules,
    tier,
    earnedToday:
      ctx.rules.dailyCapPoints === null ? 0 : await earnedSince(tx, card.id, startOfLocalDay(now, tz).toISOString()),
  })
  const outcome = await postEntry(
    tx,
    card,
    actor,
    {
      kind: 'earn',
      points: earned.points,
      reason: earned.reason,
      amountMinor,
      currency: ctx.merchant.currency,
      programVersion: ctx.version,
      lotExpiresAt: earned.points > 0 ? lotExpiry(now, ctx.rules.expiry, tz) : null,
      locationId,
    },
    key,
    now,
  )
  if (hasTiers) await upgradeIfQualified(tx, card.id, ctx, now, tierRow ?? null)
  let balance = outcome.body.balance
  if (referralDue) {
    // The referral bonus may have just been added to this card.
    await grantReferralBonuses(tx, card, ctx, now)
    balance = (await cardById(tx, card.id))?.balance ?? balance
  }
  await queueEarnedPush(
    tx,
    card,
    earned.points,
    balance,
    now,
    card.has_device === undefined ? undefined : Boolean(card.has_device),
  )
  return { ...outcome, body: { ...outcome.body, balance } }
}

/** Points for a purchase, at the till, on the card a scan opened (where it was opened). */
export async function earnAtTill(
  deps: Deps,
  actor: Actor,
  req: { handle: string; amountMinor: number; discountMinor?: number | undefined },
  key: string,
) {
  const now = deps.clock.now()
  if (isPracticeHandle(req.handle)) {
    await assertBusinessOpen(deps.db, actor.merchantId)
    return { status: 201, body: await practiceEarn(deps, actor, req) }
  }
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'staff:earn', key, request: req, now: now.toISOString() },
    async (tx) => {
      const { card, locationId } = await openHandle(tx, actor.merchantId, req.handle, now)
      return earnOnCard(tx, card, actor, req.amountMinor, req.discountMinor ?? 0, key, now, locationId)
    },
  )
}

/** A manual correction by an owner or manager, with the reason the history will show. */
export function adjustAtTill(
  deps: Deps,
  actor: Actor,
  req: { handle: string; points: number; reason: string },
  key: string,
) {
  const now = deps.clock.now()
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'staff:adjust', key, request: req, now: now.toISOString() },
    async (tx) => {
      const { card, locationId } = await openHandle(tx, actor.merchantId, req.handle, now)
      return postEntry(
        tx,
        card,
        actor,
        { kind: 'adjust', points: req.points, reason: req.reason, locationId },
        key,
        now,
      )
    },
  )
}

/** Undoes a recent award with a reversal entry; history is never edited. */
export function undoAward(deps: Deps, actor: Actor, req: { handle: string; entryId: string }, key: string) {
  const now = deps.clock.now()
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'staff:undo', key, request: req, now: now.toISOString() },
    async (tx) => {
      const { card, locationId } = await openHandle(tx, actor.merchantId, req.handle, now)
      const entry = await ledgerEntryById(tx, req.entryId)
      if (!entry || entry.card_id !== card.id) throw new DomainError('not_found', 'No such entry on this card.')
      const points = reversalPoints(
        {
          kind: entry.kind,
          points: entry.points,
          createdAt: entry.created_at,
          reversed: await isReversed(tx, entry.id),
        },
        now,
      )
      return postEntry(
        tx,
        card,
        actor,
        { kind: 'reversal', points, reason: `Undo: ${entry.reason}`, reversesEntryId: entry.id, locationId },
        key,
        now,
      )
    },
  )
}

/** A POS system's earn, by card number or by a scanned rotating code. */
export function earnFromPos(
  deps: Deps,
  actor: Actor,
  req: {
    cardNumber?: string | undefined
    code?: string | undefined
    amountMinor: number
    discountMinor?: number | undefined
    reference?: string | undefined
  },
  key: string,
) {
  const now = deps.clock.now()
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'pos:earn', key, request: req, now: now.toISOString() },
    async (tx) => {
      let card: (Card & { has_device?: number | boolean }) | undefined
      if (req.code) {
        card = await consumeRotatingCode(tx, actor.merchantId, req.code, now)
      } else {
        card = await cardWithDeviceByNumber(tx, (req.cardNumber ?? '').toUpperCase())
        if (!card || card.merchant_id !== actor.merchantId) {
          throw new DomainError('card_not_found', 'No card with this number in your program.')
        }
        if (card.closed_at) throw cardClosed()
      }
      return earnOnCard(tx, card, actor, req.amountMinor, req.discountMinor ?? 0, key, now, actor.locationId ?? null)
    },
  )
}
