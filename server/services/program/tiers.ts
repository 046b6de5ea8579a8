import { cardById } from '../../db/queries/cards.js'
import { emitEvent } from '../webhooks/events.js'
import type { Db } from '../../db/connection.js'
import { cardTier, insertTierChange, setCardTier, tierEarnings } from '../../db/queries/program.js'
import { newId } from '../../domain/ids.js'
import { earnedInWindow, onEarnDecision, qualifyingTier, tierIndex, windowStart } from '../../domain/tiers.js'
import { touchCard } from './card-summary.js'
import { queueWalletUpdates } from '../wallet/updates.js'
import type { ProgramContext } from './engine.js'

/** Points counting towards tiers within the window at `now`. */
export async function earnedForTier(tx: Db, cardId: string, ctx: ProgramContext, now: Date): Promise<number> {
  const tz = ctx.merchant.timezone
  const since = windowStart(now, ctx.rules.tierWindow, tz).toISOString()
  const rows = await tierEarnings(tx, cardId, since)
  return earnedInWindow(
    rows.map((r) => ({ points: r.points, at: r.created_at })),
    now,
    ctx.rules.tierWindow,
    tz,
  )
}

/** Upgrades at once when the card now qualifies for a higher tier; records the change. In the caller's transaction. */
export async function upgradeIfQualified(
  tx: Db,
  cardId: string,
  ctx: ProgramContext,
  now: Date,
  /** The card's tier row when the caller has just read it (null: it has none); read here otherwise. */
  known?: Awaited<ReturnType<typeof cardTier>> | null,
): Promise<void> {
  if (ctx.rules.tiers.length === 0) return
  const row = known === undefined ? await cardTier(tx, cardId) : (known ?? undefined)
  const current = tierIndex(row?.tier, ctx.rules.tiers)
  const decision = onEarnDecision(current, qualifyingTier(await earnedForTier(tx, cardId, ctx, now), ctx.rules.tiers))
  if (decision.action !== 'up') return
  await moveTier(tx, cardId, ctx, row?.tier ?? null, ctx.rules.tiers[decision.to]!.name, 'up', now)
}

export async function moveTier(
  tx: Db,
  cardId: string,
  ctx: ProgramContext,
  from: string | null,
  to: string | null,
  direction: 'up' | 'down',
  now: Date,
): Promise<void> {
  const at = now.toISOString()
  await setCardTier(tx, cardId, ctx.merchant.id, to, at)
  touchCard(tx, cardId, ctx.merchant.id, now)
  await insertTierChange(tx, {
    id: newId(),
    card_id: cardId,
    merchant_id: ctx.merchant.id,
    from_tier: from,
    to_tier: to,
    direction,
    created_at: at,
  })
  await emitEvent(
    tx,
    ctx.merchant.id,
    'tier.changed',
    async () => ({
      cardId,
      cardNumber: (await cardById(tx, cardId))?.card_number ?? null,
      fromTier: from,
      toTier: to,
      direction,
    }),
    now,
  )
  // The wallet passes show the tier (a change with no points moved, such as a drop, reaches them here).
  await queueWalletUpdates(tx, [cardId], now)
}
