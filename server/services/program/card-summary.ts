import type { CardStatus } from '../../contract/program.js'
import { beforeCommit, txLocal, type Db } from '../../db/connection.js'
import { cardTier } from '../../db/queries/program.js'
import {
  insertLot,
  lastActivityInLedger,
  openLots,
  setLotRemaining,
  statusInputs,
  summaryLastActivity,
  deleteCardSummary,
  upsertCardSummary,
} from '../../db/queries/summaries.js'
import { statusAt, type StatusAt } from '../../domain/card-summary.js'
import { DomainError } from '../../domain/errors.js'
import { windowStart } from '../../domain/tiers.js'
import { programContext, type ProgramContext } from './engine.js'

/*
 * What the card screen shows is kept by the writes that change it, so reading a card never replays
 * its ledger: lots (what is left of each positive entry, point_lots) move with every posting, and
 * the card's summary (tier, progress, what keeps the tier, next expiry) is recomputed once at the end
 * of every write transaction that touched the card, with the moment it goes stale by time alone.
 */

/**
 * Lot bookkeeping for one posting, in its transaction (postEntry calls it): a credit is a new lot;
 * a debit takes from the lot it names (an expiry) and then from the oldest lots, as the FIFO replay
 * of the ledger does (domain/expiry.ts replayLots); what a debit cannot find is not taken anywhere.
 */
export async function applyToLots(
  tx: Db,
  card: { id: string; merchant_id: string },
  e: { id: string; seq: number; points: number; lotExpiresAt: string | null; expiresEntryId: string | null },
): Promise<void> {
  if (e.points > 0) {
    await insertLot(tx, {
      entry_id: e.id,
      card_id: card.id,
      merchant_id: card.merchant_id,
      seq: e.seq,
      remaining: e.points,
      expires_at: e.lotExpiresAt,
    })
    return
  }
  let debit = -e.points
  if (debit === 0) return
  const lots = await openLots(tx, card.id)
  const named = e.expiresEntryId ? lots.find((l) => l.entry_id === e.expiresEntryId) : undefined
  const order = named ? [named, ...lots.filter((l) => l !== named)] : lots
  for (const lot of order) {
    if (debit === 0) break
    const take = Math.min(lot.remaining, debit)
    debit -= take
    await setLotRemaining(tx, lot.entry_id, lot.remaining - take)
  }
}

/**
 * What the writer that touches a card already read in its transaction, so the summary need not read
 * it again: `ctx`, the program in force at the touch's `now`; `tier`, the card's tier row (null: none),
 * read while holding the card (every writer of that row holds it).
 */
export interface SummaryInputs {
  ctx?: ProgramContext
  tier?: Awaited<ReturnType<typeof cardTier>> | null
}

interface Touch {
  merchantId: string
  now: Date
  activityAt: string | undefined
  known: SummaryInputs | undefined
}

/**
 * Marks a card's summary for recomputing at the end of this write transaction (once, however many
 * entries, tier moves or marks the transaction makes). `activityAt`: the card had activity then
 * (any posting but an expiry), which inactivity expiry counts from. `known`: what the caller read
 * that the summary is made from; a later touch without it drops it, since whatever that touch did
 * may have changed it (and its `now` may be another).
 */
export function touchCard(
  tx: Db,
  cardId: string,
  merchantId: string,
  now: Date,
  activityAt?: string,
  known?: SummaryInputs,
): void {
  const touched = txLocal(tx, 'card-summaries', () => new Map<string, Touch>())
  const before = touched.get(cardId)
  touched.set(cardId, { merchantId, now, activityAt: activityAt ?? before?.activityAt, known })
  beforeCommit(tx, 'card-summaries', async () => {
    const cards = [...touched]
    touched.clear()
    for (const [id, t] of cards) await refreshCardSummary(tx, id, t.merchantId, t.now, t.activityAt, t.known)
  })
}

/** A card's status inputs from the database (its tier row, earnings in the window, lots) and the status. */
export async function computeStatus(
  db: Db,
  cardId: string,
  ctx: ProgramContext,
  now: Date,
  lastActivityAt: string | null,
  /** The card's tier row when the caller has it (null: none); read here otherwise. */
  knownTier?: Awaited<ReturnType<typeof cardTier>> | null,
): Promise<StatusAt> {
  const tz = ctx.merchant.timezone
  const [tier, inputs] = await Promise.all([
    knownTier === undefined ? cardTier(db, cardId) : knownTier,
    statusInputs(db, cardId, windowStart(now, ctx.rules.tierWindow, tz).toISOString()),
  ])
  const earnings: { points: number; at: string }[] = []
  const lots: { remaining: number; expiresAt: string | null }[] = []
  for (const r of inputs) {
    if (r.part === 'earning') earnings.push({ points: r.points, at: r.at! })
    else lots.push({ remaining: r.points, expiresAt: r.at })
  }
  return statusAt(
    {
      rules: ctx.rules,
      tz,
      tier: tier ? { name: tier.tier, belowSince: tier.below_since } : null,
      earnings,
      lots,
      lastActivityAt,
    },
    now,
  )
}

/** The latest activity: as given, else as the summary has it, else from the ledger (a first summary). */
async function lastActivityOf(db: Db, cardId: string, given?: string): Promise<string | null> {
  if (given) return given
  const kept = await summaryLastActivity(db, cardId)
  return kept ? kept.last_activity_at : lastActivityInLedger(db, cardId)
}

/** Recomputes and stores a card's summary, in the caller's write transaction. */
export async function refreshCardSummary(
  tx: Db,
  cardId: string,
  merchantId: string,
  now: Date,
  activityAt?: string,
  known: SummaryInputs = {},
): Promise<void> {
  // A posting dated before the first program version (backfilled history) has no rules to summarise
  // by: no summary then, rather than one a later read would take as current.
  const ctx =
    known.ctx ??
    (await programContext(tx, merchantId, now).catch((e: unknown) => {
      if (e instanceof DomainError && e.code === 'not_found') return null
      throw e
    }))
  if (!ctx) {
    await deleteCardSummary(tx, cardId)
    return
  }
  const last = await lastActivityOf(tx, cardId, activityAt)
  const s = await computeStatus(tx, cardId, ctx, now, last, known.tier)
  await upsertCardSummary(tx, {
    card_id: cardId,
    merchant_id: merchantId,
    program_version: ctx.version,
    status: JSON.stringify(s.status),
    stale_at: s.staleAt,
    last_activity_at: last,
    idle_expiry_at: s.idleExpiryAt,
    computed_at: now.toISOString(),
  })
}

/** A card's status straight from its inputs, for a card whose summary is missing or stale (no write). */
export async function liveStatus(
  db: Db,
  card: { id: string; merchant_id: string; referral_code: string | null },
  now: Date,
): Promise<CardStatus | null> {
  const ctx = await programContext(db, card.merchant_id, now).catch(() => null)
  if (!ctx) return null
  const s = await computeStatus(db, card.id, ctx, now, await lastActivityOf(db, card.id))
  return { ...s.status, referralCode: card.referral_code }
}
