import type { CardStatus, ProgramRules } from '../contract/program.js'
import { nextExpiry, type Lot } from './expiry.js'
import { addLocalMonths, DAY_MS, localParts, zonedToUtc } from './time.js'
import {
  earnedInWindow,
  nextTier,
  qualifyingTier,
  reevaluationDecision,
  retentionGoal,
  tierIndex,
  windowStart,
  type Earning,
} from './tiers.js'

/** What a card's status is made of: none of it needs the whole ledger. */
export interface StatusInputs {
  rules: Pick<ProgramRules, 'tiers' | 'tierWindow' | 'tierGraceDays' | 'expiry'>
  tz: string
  /** The card's tier row, if it has one. */
  tier: { name: string; belowSince: string | null } | null
  /** Earnings that count towards tiers since the window's start at `now` (see tierEarnings). */
  earnings: readonly Earning[]
  /** The lots still holding points, oldest first. */
  lots: readonly Pick<Lot, 'remaining' | 'expiresAt'>[]
  /** The latest posting that was not an expiry. */
  lastActivityAt: string | null
}

export interface StatusAt {
  status: Omit<CardStatus, 'referralCode'>
  /**
   * The first moment after `now` from which the status may differ with nothing written (a point
   * leaving the tier window, a lot's expiry date, a new calendar year, the end of a grace period);
   * `now` itself when the tier job has something to do for the card; null when nothing will change.
   */
  staleAt: string | null
  /** When all its points expire for inactivity, when the program says so and it holds any. */
  idleExpiryAt: string | null
}

/** The first moment at which an earning made at `at` no longer counts in a rolling window of `months`. */
export function leavesWindow(at: string, months: number, tz: string): Date {
  const t = Date.parse(at)
  const counts = (x: number) => windowStart(new Date(x), { kind: 'rolling', months }, tz).getTime() < t
  // Usually the same local time `months` later; month ends and clock changes can move it by days.
  const guess = addLocalMonths(new Date(t), months, tz).getTime()
  if (!counts(guess) && counts(guess - 1)) return new Date(guess)
  let lo = t // counts at its own moment
  let hi = guess
  while (counts(hi)) hi += 4 * DAY_MS
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (counts(mid)) lo = mid
    else hi = mid
  }
  return new Date(hi)
}

/**
 * The card's status at `now` from its inputs, exactly as the ledger gives it, and how long it holds.
 * The write that changes a card computes this once; reads show it until `staleAt`.
 */
export function statusAt(input: StatusInputs, now: Date): StatusAt {
  const { rules, tz } = input
  const at = now.getTime()
  const current = tierIndex(input.tier?.name, rules.tiers)
  const tier = rules.tiers[current] ?? null
  const earned = earnedInWindow(input.earnings, now, rules.tierWindow, tz)
  const belowSince = input.tier?.belowSince ?? null
  const retain = retentionGoal(
    input.earnings,
    current,
    rules.tiers,
    rules.tierWindow,
    now,
    tz,
    belowSince,
    rules.tierGraceDays,
  )
  const status = {
    tier: tier ? { name: tier.name, multiplier: tier.multiplier, perks: tier.perks } : null,
    earnedInWindow: earned,
    next: nextTier(earned, current, rules.tiers),
    retain,
    nextExpiry: nextExpiry(input.lots, now, rules.expiry, input.lastActivityAt, tz),
  }

  const events: number[] = []
  // The tier job has work here now: a move, or marking (or clearing) the start of a grace period.
  const orphaned = input.tier !== null && current === -1
  const decision = reevaluationDecision(
    current,
    qualifyingTier(earned, rules.tiers),
    belowSince,
    now,
    rules.tierGraceDays,
  )
  // Nothing to keep at all: what keeps the tier is "by now" (retentionGoal's answer with no points).
  if (orphaned || decision.action !== 'keep' || (retain && Date.parse(retain.by) === at)) events.push(at)
  const inWindow = input.earnings.filter((e) => Date.parse(e.at) <= at)
  if (inWindow.length > 0 || current >= 0) {
    if (rules.tierWindow.kind === 'calendarYear') {
      events.push(zonedToUtc(tz, localParts(now, tz).year + 1, 1, 1).getTime())
    } else if (inWindow.length > 0) {
      const earliest = inWindow.reduce((m, e) => (e.at < m ? e.at : m), inWindow[0]!.at)
      events.push(leavesWindow(earliest, rules.tierWindow.months, tz).getTime())
    }
  }
  // Earnings dated after now (a clock behind another process's) enter the window when their time comes.
  for (const e of input.earnings) if (Date.parse(e.at) > at) events.push(Date.parse(e.at))
  if (belowSince) events.push(Date.parse(belowSince) + rules.tierGraceDays * DAY_MS)
  const live = input.lots.filter((l) => l.remaining > 0)
  for (const l of live) if (l.expiresAt && Date.parse(l.expiresAt) > at) events.push(Date.parse(l.expiresAt))

  const future = events.filter((t) => t >= at)
  const staleAt = future.length ? new Date(Math.min(...future)).toISOString() : null
  const idleExpiryAt =
    rules.expiry.mode === 'inactivity' && input.lastActivityAt && live.length > 0
      ? addLocalMonths(new Date(input.lastActivityAt), rules.expiry.months, tz).toISOString()
      : null
  return { status, staleAt, idleExpiryAt }
}
