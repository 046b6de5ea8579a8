import type { CardStatus } from '../../contract/program.js'
import type { Db } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import { cardTier, lotLedger, tierEarnings } from '../../db/queries/program.js'
import { nextExpiry, replayLots, type LotEntry } from '../../domain/expiry.js'
import { earnedInWindow, nextTier, retentionGoal, tierIndex, windowStart } from '../../domain/tiers.js'
import { programContext } from './engine.js'

export const toLotEntries = (rows: Awaited<ReturnType<typeof lotLedger>>): LotEntry[] =>
  rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    points: r.points,
    createdAt: r.created_at,
    lotExpiresAt: r.lot_expires_at,
    expiresEntryId: r.expires_entry_id,
  }))

/** The latest entry that counts as activity for inactivity expiry: anything but an expiry. */
export function lastActivity(rows: Awaited<ReturnType<typeof lotLedger>>): string | null {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.kind !== 'expire') return rows[i]!.created_at
  return null
}

/** What the card shows: tier, progress to the next, what keeps the current one, and the next expiry. */
export async function cardStatus(db: Db, cardId: string, now: Date): Promise<CardStatus | null> {
  const card = await cardById(db, cardId)
  if (!card) return null
  const ctx = await programContext(db, card.merchant_id, now).catch(() => null)
  if (!ctx) return null
  const { rules, merchant } = ctx
  const tz = merchant.timezone
  const rows = await tierEarnings(db, cardId, windowStart(now, rules.tierWindow, tz).toISOString())
  const earnings = rows.map((r) => ({ points: r.points, at: r.created_at }))
  const earned = earnedInWindow(earnings, now, rules.tierWindow, tz)
  const tierRow = await cardTier(db, cardId)
  const current = tierIndex(tierRow?.tier, rules.tiers)
  const tier = rules.tiers[current] ?? null
  const ledger = await lotLedger(db, cardId)
  return {
    tier: tier ? { name: tier.name, multiplier: tier.multiplier, perks: tier.perks } : null,
    earnedInWindow: earned,
    next: nextTier(earned, current, rules.tiers),
    retain: retentionGoal(
      earnings,
      current,
      rules.tiers,
      rules.tierWindow,
      now,
      tz,
      tierRow?.below_since ?? null,
      rules.tierGraceDays,
    ),
    nextExpiry: nextExpiry(replayLots(toLotEntries(ledger)), now, rules.expiry, lastActivity(ledger), tz),
    referralCode: card.referral_code,
  }
}
