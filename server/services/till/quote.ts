import type { Selectable } from 'kysely'
import type { EarnPreview } from '../../contract/staff.js'
import type { Db } from '../../db/connection.js'
import { earnedSince } from '../../db/queries/program.js'
import { earnContextRows } from '../../db/queries/till.js'
import type { Card, CardTierTable } from '../../db/schema.js'
import { earnForPurchase, type EarnResult } from '../../domain/earning-rules.js'
import { tierIndex } from '../../domain/tiers.js'
import { startOfLocalDay } from '../../domain/time.js'
import type { Actor, Deps } from '../common/deps.js'
import { isPracticeHandle, practicePreview } from '../first-run/practice.js'
import { assertBusinessOpen } from '../platform/status.js'
import { noProgram, toProgramContext, type ProgramContext } from '../program/engine.js'
import { cardForHandle } from './scan.js'

/** What an earn reads besides the card, in one statement (earnContextRows). */
export interface EarnContext {
  /** The program in force at the moment asked for. */
  ctx: ProgramContext
  /** The card's tier row; null when it has none. */
  tierRow: Selectable<CardTierTable> | null
  /** Whether the card has wallet passes (their updates are queued only then). */
  hasPasses: boolean
  /** The business's active webhook endpoints, with the events each listens to (JSON). */
  endpoints: { id: string; events: string }[]
}

/**
 * The merchant and program in force at `at`, the card's tier row, its wallet passes and the business's
 * webhook endpoints: an earn needs them all, and one statement is cheaper than four (on PostgreSQL a
 * round trip each). In a write, made after taking the card's lock, so the tier row stays true to the
 * commit: every writer of it holds that lock.
 */
export async function earnContext(db: Db, card: Pick<Card, 'id' | 'merchant_id'>, at: Date): Promise<EarnContext> {
  const rows = await earnContextRows(db, card.merchant_id, card.id, at.toISOString())
  const {
    tier_merchant_id,
    tier,
    tier_achieved_at,
    tier_below_since,
    has_passes,
    endpoint_id: _id,
    endpoint_events: _events,
    ...program
  } = rows[0] ?? noProgram()
  return {
    ctx: toProgramContext(program),
    tierRow:
      tier === null
        ? null
        : {
            card_id: card.id,
            merchant_id: tier_merchant_id!,
            tier,
            achieved_at: tier_achieved_at!,
            below_since: tier_below_since,
          },
    hasPasses: Boolean(has_passes),
    endpoints: rows.flatMap((r) => (r.endpoint_id === null ? [] : [{ id: r.endpoint_id, events: r.endpoint_events! }])),
  }
}

export interface Quote extends EarnContext {
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
  const read = await earnContext(db, card, at)
  const { ctx, tierRow } = read
  const tz = ctx.merchant.timezone
  const tier = ctx.rules.tiers.length > 0 ? (ctx.rules.tiers[tierIndex(tierRow?.tier, ctx.rules.tiers)] ?? null) : null
  const earned = earnForPurchase({
    amountMinor,
    discountMinor,
    at,
    timezone: tz,
    currency: ctx.merchant.currency,
    rules: ctx.rules,
    tier,
    // Read only when the program caps a day's points: an earn is the hot path.
    earnedToday:
      ctx.rules.dailyCapPoints === null ? 0 : await earnedSince(db, card.id, startOfLocalDay(at, tz).toISOString()),
  })
  return { ...read, earned }
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
