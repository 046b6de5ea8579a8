import type { PreviewSummary, ProgramRules } from '../contract/program.js'
import { earnForPurchase } from './earning-rules.js'
import { lotExpiry, replayLots, type LotEntry } from './expiry.js'
import { earnedInWindow, qualifyingTier, type Earning } from './tiers.js'
import { DAY_MS, localDate, localParts, zonedToUtc } from './time.js'

export const PREVIEW_DAYS = 90

export interface PreviewEntry extends LotEntry {
  cardId: string
  amountMinor: number | null
  reversed: boolean
}

/**
 * What a set of rules would have done over the last 90 days: every purchase in that period (earn
 * entries keep their amount) is earned again under `rules`, in order, with the tier the card would
 * have had and the daily cap; bonuses and everything older stay as they were. Members per tier are
 * counted from the replayed points; expiring points are the lots the real ledger leaves, dated by
 * `rules`, that would expire in the next local calendar month.
 */
export function previewRules(
  cards: ReadonlyMap<string, readonly PreviewEntry[]>,
  rules: ProgramRules,
  now: Date,
  tz: string,
  currency: string,
): PreviewSummary {
  const from = now.getTime() - PREVIEW_DAYS * DAY_MS
  const l = localParts(now, tz)
  const nextMonthStart = zonedToUtc(tz, l.year, l.month + 1, 1).getTime()
  const nextMonthEnd = zonedToUtc(tz, l.year, l.month + 2, 1).getTime()
  const perTier = new Map<string | null, number>([
    [null, 0],
    ...rules.tiers.map((t) => [t.name, 0] as [string, number]),
  ])
  let pointsIssued = 0
  let purchases = 0
  let expiringNextMonth = 0

  for (const entries of cards.values()) {
    const earnings: Earning[] = []
    const earnedPerDay = new Map<string, number>()
    for (const e of entries) {
      const t = Date.parse(e.createdAt)
      const isPurchase = e.kind === 'earn' && e.amountMinor !== null && !e.reversed
      if (!isPurchase || t < from) {
        if (e.kind === 'bonus' || (e.kind === 'earn' && !e.reversed))
          earnings.push({ points: e.points, at: e.createdAt })
        continue
      }
      const at = new Date(t)
      const tierIdx = qualifyingTier(earnedInWindow(earnings, at, rules.tierWindow, tz), rules.tiers)
      const day = localDate(at, tz)
      const r = earnForPurchase({
        amountMinor: e.amountMinor!,
        discountMinor: 0,
        at,
        timezone: tz,
        currency,
        rules,
        tier: rules.tiers[tierIdx] ?? null,
        earnedToday: earnedPerDay.get(day) ?? 0,
      })
      earnedPerDay.set(day, (earnedPerDay.get(day) ?? 0) + r.points)
      earnings.push({ points: r.points, at: e.createdAt })
      pointsIssued += r.points
      purchases++
    }
    const tier =
      rules.tiers[qualifyingTier(earnedInWindow(earnings, now, rules.tierWindow, tz), rules.tiers)]?.name ?? null
    perTier.set(tier, (perTier.get(tier) ?? 0) + 1)

    const redated = entries.map((e) =>
      e.points > 0 && (e.kind === 'earn' || e.kind === 'bonus')
        ? { ...e, lotExpiresAt: lotExpiry(new Date(e.createdAt), rules.expiry, tz) }
        : e,
    )
    for (const lot of replayLots(redated)) {
      const exp = lot.expiresAt ? Date.parse(lot.expiresAt) : NaN
      // An expiry instant is the first moment the points are gone: the end of April is 1 May 00:00.
      if (lot.remaining > 0 && exp > nextMonthStart && exp <= nextMonthEnd) expiringNextMonth += lot.remaining
    }
  }
  return {
    pointsIssued,
    purchases,
    membersPerTier: [...perTier].map(([tier, members]) => ({ tier, members })),
    expiringNextMonth,
  }
}
