import { createHash } from 'node:crypto'
import { localClock } from './time.js'

/*
 * Campaign lift: a random share of a campaign's target is held out (gets nothing), and the report
 * compares visits and spend per member in the following 30 days between the two groups.
 */

export const MAX_HOLDOUT_PCT = 50
export const LIFT_WINDOW_DAYS = 30
/** Below this many members with a full window in either group the report says "not enough data". */
export const MIN_GROUP_SIZE = 10
/** Two-sided 95% quantile of the normal distribution. */
export const Z95 = 1.959964

export type Group = 'target' | 'holdout'

/**
 * Deterministic and unbiased: SHA-256 of campaign id and card id, read as a number in [0, 1). The
 * campaign id is a random UUID, so nobody can pick a card's group, and a restart reshuffles nothing.
 */
export function holdoutGroup(campaignId: string, cardId: string, holdoutPct: number): Group {
  if (holdoutPct <= 0) return 'target'
  const h = createHash('sha256').update(`${campaignId}:${cardId}`).digest()
  const u = h.readUInt32BE(0) / 2 ** 32
  return u < Math.min(holdoutPct, MAX_HOLDOUT_PCT) / 100 ? 'holdout' : 'target'
}

export interface Purchase {
  /** UTC ISO time of the earn entry. */
  at: string
  amountMinor: number
}

/** A visit is a local day (merchant time) with at least one purchase; spend is the sum of the amounts. */
export function visitsAndSpend(
  purchases: Purchase[],
  tz: string | ReturnType<typeof localClock>,
): { visits: number; spend: number } {
  const local = typeof tz === 'string' ? localClock(tz) : tz
  const days = new Set<string>()
  let spend = 0
  for (const p of purchases) {
    days.add(local.date(p.at))
    spend += p.amountMinor
  }
  return { visits: days.size, spend }
}

export interface Difference {
  targetMean: number
  holdoutMean: number
  /** targetMean - holdoutMean */
  lift: number
  /** Welch's standard error: sqrt(s_t^2 / n_t + s_h^2 / n_h). */
  se: number
  low: number
  high: number
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)

/** Sample variance (n - 1); 0 for fewer than two values. */
export function variance(xs: number[]): number {
  if (xs.length < 2) return 0
  const m = mean(xs)
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)
}

/**
 * The difference of means with a 95% confidence interval: Welch's unequal-variance standard error
 * with the normal approximation (lift +- 1.96 se), fair for groups of a few dozen and up.
 */
export function difference(target: number[], holdout: number[]): Difference {
  const targetMean = mean(target)
  const holdoutMean = mean(holdout)
  const lift = targetMean - holdoutMean
  const se = Math.sqrt(
    (target.length ? variance(target) / target.length : 0) + (holdout.length ? variance(holdout) / holdout.length : 0),
  )
  return { targetMean, holdoutMean, lift, se, low: lift - Z95 * se, high: lift + Z95 * se }
}

export type LiftStatus = 'no_holdout' | 'too_early' | 'not_enough_data' | 'ready'

export interface MemberOutcome {
  group: Group
  assignedAt: string
  visits: number
  spend: number
  redemptions: number
}

export interface LiftReport {
  status: LiftStatus
  /** Members assigned so far, and those whose 30-day window has ended (the ones counted). */
  assigned: { target: number; holdout: number }
  measured: { target: number; holdout: number }
  visits: Difference | null
  spend: Difference | null
  /** Visit lift x measured target size, with its interval. */
  extraVisits: { value: number; low: number; high: number } | null
  redemptionsPerMember: { target: number; holdout: number } | null
  /** When the last assigned member's window ends (the report is final then). */
  completeAt: string | null
}

/**
 * The report over members whose window has ended by `now` (so it never changes once final).
 * Members still inside their window are counted in `assigned` only.
 */
export function liftReport(holdoutPct: number, members: MemberOutcome[], now: Date): LiftReport {
  const windowMs = LIFT_WINDOW_DAYS * 86_400_000
  const assigned = { target: 0, holdout: 0 }
  const done: MemberOutcome[] = []
  let last = ''
  for (const m of members) {
    assigned[m.group]++
    if (m.assignedAt > last) last = m.assignedAt
    if (Date.parse(m.assignedAt) + windowMs <= now.getTime()) done.push(m)
  }
  const t = done.filter((m) => m.group === 'target')
  const h = done.filter((m) => m.group === 'holdout')
  const measured = { target: t.length, holdout: h.length }
  const completeAt = last ? new Date(Date.parse(last) + windowMs).toISOString() : null
  const empty = {
    assigned,
    measured,
    visits: null,
    spend: null,
    extraVisits: null,
    redemptionsPerMember: null,
    completeAt,
  }
  if (holdoutPct <= 0 && assigned.holdout === 0) return { status: 'no_holdout', ...empty }
  if (done.length === 0) return { status: 'too_early', ...empty }
  if (t.length < MIN_GROUP_SIZE || h.length < MIN_GROUP_SIZE) return { status: 'not_enough_data', ...empty }
  const visits = difference(
    t.map((m) => m.visits),
    h.map((m) => m.visits),
  )
  const spend = difference(
    t.map((m) => m.spend),
    h.map((m) => m.spend),
  )
  return {
    status: 'ready',
    assigned,
    measured,
    visits,
    spend,
    extraVisits: { value: visits.lift * t.length, low: visits.low * t.length, high: visits.high * t.length },
    redemptionsPerMember: { target: mean(t.map((m) => m.redemptions)), holdout: mean(h.map((m) => m.redemptions)) },
    completeAt,
  }
}
