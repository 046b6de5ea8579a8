import type { ExpiryRule } from '../contract/program.js'
import { addLocalMonths, localParts, zonedToUtc } from './time.js'

/** When a lot earned at `earnedAt` expires; null when it does not expire by date (none, or inactivity). */
export function lotExpiry(earnedAt: Date, rule: ExpiryRule, tz: string): string | null {
  if (rule.mode !== 'afterEarn') return null
  const at = addLocalMonths(earnedAt, rule.months, tz)
  if (rule.roundTo === 'none') return at.toISOString()
  const p = localParts(at, tz)
  // The end of that local month (or year) is the first instant of the next one.
  const end = rule.roundTo === 'month' ? zonedToUtc(tz, p.year, p.month + 1, 1) : zonedToUtc(tz, p.year + 1, 1, 1)
  return end.toISOString()
}

export interface LotEntry {
  id: string
  kind: string
  points: number
  createdAt: string
  lotExpiresAt: string | null
  /** On an expire entry: the lot it expires. */
  expiresEntryId: string | null
}

export interface Lot {
  id: string
  kind: string
  points: number
  remaining: number
  createdAt: string
  expiresAt: string | null
}

/**
 * Lot remainders by a FIFO replay of a card's ledger (oldest first): every positive entry is a lot;
 * an expire entry takes from the lot it names; every other negative entry, whatever its kind,
 * consumes the oldest lots first. Nothing but the ledger is needed, so code that posts debits needs
 * to know nothing about lots.
 */
export function replayLots(entries: readonly LotEntry[]): Lot[] {
  const lots: Lot[] = []
  const byId = new Map<string, Lot>()
  for (const e of entries) {
    if (e.points > 0) {
      const lot = {
        id: e.id,
        kind: e.kind,
        points: e.points,
        remaining: e.points,
        createdAt: e.createdAt,
        expiresAt: e.lotExpiresAt,
      }
      lots.push(lot)
      byId.set(e.id, lot)
      continue
    }
    let debit = -e.points
    const named = e.expiresEntryId ? byId.get(e.expiresEntryId) : undefined
    if (named) {
      const take = Math.min(named.remaining, debit)
      named.remaining -= take
      debit -= take
    }
    for (const lot of lots) {
      if (debit === 0) break
      const take = Math.min(lot.remaining, debit)
      lot.remaining -= take
      debit -= take
    }
  }
  return lots
}

/** Lots that are due to expire at `now`, with what is left of each (lots left with 0 are skipped). */
export function dueLots(
  lots: readonly Pick<Lot, 'id' | 'remaining' | 'expiresAt'>[],
  now: Date,
  rule: ExpiryRule,
  lastActivityAt: string | null,
  tz: string,
): Array<{ lotId: string; points: number }> {
  const inactiveSince =
    rule.mode === 'inactivity' &&
    lastActivityAt &&
    addLocalMonths(new Date(lastActivityAt), rule.months, tz).getTime() <= now.getTime()
  return lots
    .filter(
      (l) => l.remaining > 0 && (inactiveSince || (l.expiresAt !== null && Date.parse(l.expiresAt) <= now.getTime())),
    )
    .map((l) => ({ lotId: l.id, points: l.remaining }))
}

/** The next date some points expire and how many expire then. */
export function nextExpiry(
  lots: readonly Pick<Lot, 'remaining' | 'expiresAt'>[],
  now: Date,
  rule: ExpiryRule,
  lastActivityAt: string | null,
  tz: string,
): { points: number; at: string } | null {
  const live = lots.filter((l) => l.remaining > 0)
  if (live.length === 0) return null
  if (rule.mode === 'inactivity' && lastActivityAt) {
    const at = addLocalMonths(new Date(lastActivityAt), rule.months, tz)
    const dated = live.filter((l) => l.expiresAt !== null && Date.parse(l.expiresAt) < at.getTime())
    if (dated.length === 0) return { points: live.reduce((s, l) => s + l.remaining, 0), at: at.toISOString() }
  }
  const future = live.filter((l) => l.expiresAt !== null && Date.parse(l.expiresAt) > now.getTime())
  if (future.length === 0) return null
  const at = future.reduce((min, l) => (l.expiresAt! < min ? l.expiresAt! : min), future[0]!.expiresAt!)
  return { points: future.filter((l) => l.expiresAt === at).reduce((s, l) => s + l.remaining, 0), at }
}
