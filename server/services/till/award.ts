import type { Db } from '../../db/connection.js'
import { cardById, isReversed, ledgerEntryById, lockedCardWithDeviceByNumber } from '../../db/queries/cards.js'
import { hasPurchase } from '../../db/queries/program.js'
import type { Card } from '../../db/schema.js'
import { lotExpiry } from '../../domain/expiry.js'
import { assertBusinessActive } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'
import { adjustWhy, storedReason } from '../../domain/i18n/reasons.js'
import { reversalPoints } from '../../domain/ledger.js'
import type { Actor, Deps } from '../common/deps.js'
import { runIdempotent } from '../common/idempotency.js'
import { grantReferralBonuses } from '../program/bonuses.js'
import { postEntry } from '../program/post-entry.js'
import { upgradeIfQualified } from '../program/tiers.js'
import { queueEarnedPush } from '../push/queue.js'
import { isPracticeHandle, practiceEarn } from '../first-run/practice.js'
import { assertBusinessOpen } from '../platform/status.js'
import { quoteEarn } from './quote.js'
import { awardOnlyCode, cardClosed, consumeRotatingCode, openHandle } from './scan.js'

/**
 * Points for a purchase under the rules in force: rate, visit points, minimum spend, promotions, tier
 * multiplier, daily cap, and nothing on the part paid with a reward (quoteEarn, which the till's
 * preview uses too). Then, in the same transaction: an immediate tier upgrade, and the referral
 * bonuses after a referred member's first purchase. `at.purchasedAt` is when the purchase was made,
 * if not now (a scan queued offline): the rules of that moment apply, the entry is posted now;
 * `at.locationId` is where (the till's location, a POS key's), recorded on the entry.
 */
export async function earnOnCard(
  tx: Db,
  card: Card & { has_device?: number | boolean },
  actor: Actor,
  amountMinor: number,
  discountMinor: number,
  key: string,
  now: Date,
  at: { locationId: string | null; purchasedAt?: Date },
) {
  const { ctx, tierRow, hasPasses, endpoints, earned } = await quoteEarn(
    tx,
    card,
    amountMinor,
    discountMinor,
    at.purchasedAt ?? now,
  )
  // A suspended or closed business earns nothing, at the till, from its POS or from a queued scan.
  assertBusinessActive(ctx.merchant)
  const tz = ctx.merchant.timezone
  const hasTiers = ctx.rules.tiers.length > 0
  const referralDue =
    card.referred_by_card_id !== null && ctx.rules.referralBonus > 0 && !(await hasPurchase(tx, card.id))
  const outcome = await postEntry(
    tx,
    card,
    actor,
    {
      kind: 'earn',
      points: earned.points,
      reason: earned.reason,
      why: earned.why,
      amountMinor,
      currency: ctx.merchant.currency,
      programVersion: ctx.version,
      lotExpiresAt: earned.points > 0 ? lotExpiry(now, ctx.rules.expiry, tz) : null,
      locationId: at.locationId,
    },
    key,
    now,
    // Read with the quote, after the card's lock. The summary's program is the one in force now: the
    // quote's, unless it priced an earlier purchase.
    { ctx: at.purchasedAt ? undefined : ctx, tier: tierRow, hasPasses, endpoints },
  )
  if (hasTiers) await upgradeIfQualified(tx, card.id, ctx, now, tierRow)
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
      return earnOnCard(tx, card, actor, req.amountMinor, req.discountMinor ?? 0, key, now, { locationId })
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
      const { card, locationId, awardOnly } = await openHandle(tx, actor.merchantId, req.handle, now)
      if (awardOnly && req.points < 0) throw awardOnlyCode()
      return postEntry(
        tx,
        card,
        actor,
        { kind: 'adjust', points: req.points, reason: req.reason, why: adjustWhy(req.reason), locationId },
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
        {
          kind: 'reversal',
          points,
          reason: `Undo: ${entry.reason}`,
          why: { code: 'undo', params: { of: storedReason(entry) } },
          reversesEntryId: entry.id,
          locationId,
        },
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
        card = await lockedCardWithDeviceByNumber(tx, (req.cardNumber ?? '').toUpperCase())
        if (!card || card.merchant_id !== actor.merchantId) {
          throw new DomainError('card_not_found', 'No card with this number in your program.')
        }
        if (card.closed_at) throw cardClosed()
      }
      return earnOnCard(tx, card, actor, req.amountMinor, req.discountMinor ?? 0, key, now, {
        locationId: actor.locationId ?? null,
      })
    },
  )
}
