import type { EarnPreview } from '../../contract/staff.js'
import type { Db } from '../../db/connection.js'
import { cardTier, earnedSince } from '../../db/queries/program.js'
import type { Card } from '../../db/schema.js'
import { earnForPurchase, type EarnResult } from '../../domain/earning-rules.js'
import { tierIndex } from '../../domain/tiers.js'
import { startOfLocalDay } from '../../domain/time.js'
import type { Actor, Deps } from '../common/deps.js'
import { isPracticeHandle, practicePreview } from '../first-run/practice.js'
import { assertBusinessOpen } from '../platform/status.js'
import { programContext, type ProgramContext } from '../program/engine.js'
import { cardForHandle } from './scan.js'

export interface Quote {
  ctx: ProgramContext
  /** The card's tier row as read for the quote (the award's tier upgrade starts from it). */
  tierRow: Awaited<ReturnType<typeof cardTier>> | undefined
  earned: EarnResult
}

/**
 * What a purchase earns on this card under the rules in force at `at`: the one place that gathers the
 * card's tier and what it already earned today, for the award and for the till's preview alike.
 */
export async function quoteEarn(
  db: Db,
  card: Card,
  amountMinor: number,
  discountMinor: number,
  at: Date,
): Promise<Quote> {
  const ctx = await programContext(db, card.merchant_id, at)
  const tz = ctx.merchant.timezone
  // Each read below is made only when a rule of the program needs it: an earn is the hot path.
  const hasTiers = ctx.rules.tiers.length > 0
  const tierRow = hasTiers ? await cardTier(db, card.id) : undefined
  const tier = hasTiers ? (ctx.rules.tiers[tierIndex(tierRow?.tier, ctx.rules.tiers)] ?? null) : null
  const earned = earnForPurchase({
    amountMinor,
    discountMinor,
    at,
    timezone: tz,
    currency: ctx.merchant.currency,
    rules: ctx.rules,
    tier,
    earnedToday:
      ctx.rules.dailyCapPoints === null ? 0 : await earnedSince(db, card.id, startOfLocalDay(at, tz).toISOString()),
  })
  return { ctx, tierRow, earned }
}

/**
 * The till's preview for the card a scan opened: the same quote the award will post, and nothing
 * written. Refused where the award would be (an expired handle, a suspended or closed business); on
 * the practice card, the quote its award shows.
 */
export async function previewEarn(
  deps: Deps,
  actor: Actor,
  req: { handle: string; amountMinor: number; discountMinor?: number | undefined },
): Promise<EarnPreview> {
  if (isPracticeHandle(req.handle)) {
    await assertBusinessOpen(deps.db, actor.merchantId)
    return practicePreview(deps, actor, req)
  }
  const now = deps.clock.now()
  const card = await cardForHandle(deps.db, actor.merchantId, req.handle, now, false)
  const { earned } = await quoteEarn(deps.db, card, req.amountMinor, req.discountMinor ?? 0, now)
  return { points: earned.points, reason: earned.reason, breakdown: earned.breakdown }
}
