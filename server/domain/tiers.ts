import type { Tier, TierWindow } from '../contract/program.js'
import { addLocalMonths, DAY_MS, localDate, localParts, zonedToUtc } from './time.js'

/** A movement that counts towards a tier: an earn or bonus, or (negative) the reversal of one. */
export interface Earning {
  points: number
  at: string
}

/** Where the qualifying window starts: N months back, or 1 January local time. */
export function windowStart(now: Date, window: TierWindow, tz: string): Date {
  if (window.kind === 'calendarYear') return zonedToUtc(tz, localParts(now, tz).year, 1, 1)
  return addLocalMonths(now, -window.months, tz)
}

export function earnedInWindow(earnings: readonly Earning[], now: Date, window: TierWindow, tz: string): number {
  const from = windowStart(now, window, tz).getTime()
  const to = now.getTime()
  return earnings.reduce((sum, e) => {
    const t = Date.parse(e.at)
    return t > from && t <= to ? sum + e.points : sum
  }, 0)
}

/** Index of the highest tier whose threshold is met; -1 for none. */
export function qualifyingTier(earned: number, tiers: readonly Tier[]): number {
  let idx = -1
  tiers.forEach((t, i) => {
    if (earned >= t.threshold) idx = i
  })
  return idx
}

export const tierIndex = (name: string | null | undefined, tiers: readonly Tier[]) =>
  name ? tiers.findIndex((t) => t.name === name) : -1

export function nextTier(earned: number, current: number, tiers: readonly Tier[]) {
  const next = tiers[current + 1]
  if (!next) return null
  return { name: next.name, threshold: next.threshold, pointsNeeded: Math.max(0, next.threshold - earned) }
}

export type TierDecision =
  | { action: 'keep' }
  | { action: 'up'; to: number }
  | { action: 'markBelow' }
  | { action: 'clearBelow' }
  | { action: 'down'; to: number }

/** At an award: only upgrades, at once. */
export function onEarnDecision(current: number, qualifying: number): TierDecision {
  return qualifying > current ? { action: 'up', to: qualifying } : { action: 'keep' }
}

/**
 * At re-evaluation: a card below its tier is first marked; it moves down only once the grace period
 * has passed since the mark, and then only as far as it qualifies. Climbing back clears the mark.
 */
export function reevaluationDecision(
  current: number,
  qualifying: number,
  belowSince: string | null,
  now: Date,
  graceDays: number,
): TierDecision {
  if (qualifying > current) return { action: 'up', to: qualifying }
  if (qualifying === current) return belowSince ? { action: 'clearBelow' } : { action: 'keep' }
  if (!belowSince) return graceDays === 0 ? { action: 'down', to: qualifying } : { action: 'markBelow' }
  if (now.getTime() - Date.parse(belowSince) >= graceDays * DAY_MS) return { action: 'down', to: qualifying }
  return { action: 'keep' }
}

/**
 * What keeps the current tier: the points to earn and the last moment to earn them. For a rolling
 * window, that moment is just before enough of today's qualifying points roll out of the window; for
 * the calendar year, the end of the year. Once the card is already below, the end of its grace period.
 */
export function retentionGoal(
  earnings: readonly Earning[],
  current: number,
  tiers: readonly Tier[],
  window: TierWindow,
  now: Date,
  tz: string,
  belowSince: string | null,
  graceDays: number,
): { points: number; by: string } | null {
  const tier = tiers[current]
  if (!tier) return null
  const earned = earnedInWindow(earnings, now, window, tz)
  if (belowSince) {
    return {
      points: Math.max(1, tier.threshold - earned),
      by: new Date(Date.parse(belowSince) + graceDays * DAY_MS - 1).toISOString(),
    }
  }
  if (window.kind === 'calendarYear') {
    if (earned >= tier.threshold) return null
    const end = zonedToUtc(tz, localParts(now, tz).year + 1, 1, 1)
    return { points: tier.threshold - earned, by: new Date(end.getTime() - 1).toISOString() }
  }
  const from = windowStart(now, window, tz).getTime()
  const inWindow = earnings
    .filter((e) => Date.parse(e.at) > from && Date.parse(e.at) <= now.getTime())
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  // Points of one local day leave the window together, so a day's earnings are dropped as one.
  let remaining = earned
  for (let i = 0; i < inWindow.length; i++) {
    const day = localDate(new Date(inWindow[i]!.at), tz)
    let dropped = 0
    let j = i
    while (j < inWindow.length && localDate(new Date(inWindow[j]!.at), tz) === day) dropped += inWindow[j++]!.points
    remaining -= dropped
    if (remaining < tier.threshold) {
      const leaves = addLocalMonths(new Date(inWindow[i]!.at), window.months, tz)
      return { points: tier.threshold - remaining, by: new Date(leaves.getTime() - 1).toISOString() }
    }
    i = j - 1
  }
  return { points: tier.threshold, by: now.toISOString() }
}
