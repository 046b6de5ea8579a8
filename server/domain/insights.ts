/**
 * Insights: the one place that says what a visit, a segment and each dashboard figure mean.
 * Pure functions; `today` is the merchant's local day number (see dayNumberOf) from the injected clock.
 *
 * - A VISIT is a local day (merchant timezone) with at least one purchase: an 'earn' ledger entry
 *   with amount_minor that was not reversed. SPEND is the sum of those purchases' amount_minor.
 * - The USUAL GAP is the median of the gaps (in days) between consecutive visit days; it needs two
 *   gaps (three visits), otherwise the merchant's default gap stands in.
 * - LIFECYCLE segments partition the members; the first that matches wins:
 *     new        <= newDays since the first visit (or since joining, with no visit yet)
 *     lapsed     >= lapsedDays without a visit (since joining, with no visit)
 *     at_risk    current gap > atRiskMultiplier x usual gap, and >= atRiskMinDays (not lapsed)
 *     regular    >= regularVisits visits in the last 90 days
 *     occasional the rest
 * - HIGH VALUE is orthogonal: the top highValuePercent of members by spend over the last 365 days
 *   (ties at the cut-off are all in; no spend is never high value). A high-value member is also in
 *   exactly one lifecycle segment.
 */
import { isoOfMonth, monthOfDay } from './time.js'
import { median, medianOfSorted } from './stats.js'

export interface Thresholds {
  newDays: number
  lapsedDays: number
  atRiskMultiplier: number
  atRiskMinDays: number
  defaultGapDays: number
  highValuePercent: number
  regularVisits: number
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  newDays: 30,
  lapsedDays: 90,
  atRiskMultiplier: 2,
  atRiskMinDays: 7,
  defaultGapDays: 30,
  highValuePercent: 10,
  regularVisits: 3,
}

export const LIFECYCLE = ['new', 'regular', 'occasional', 'at_risk', 'lapsed'] as const
export type Lifecycle = (typeof LIFECYCLE)[number]
export const SEGMENTS = [...LIFECYCLE, 'high_value'] as const
export type Segment = (typeof SEGMENTS)[number]

/** Median gap between consecutive visit days (sorted, distinct); null with fewer than two gaps. */
export function usualGap(days: readonly number[]): number | null {
  if (days.length < 3) return null
  const gaps: number[] = []
  for (let i = 1; i < days.length; i++) gaps.push(days[i]! - days[i - 1]!)
  return median(gaps)
}

/** What the figures need of one member, folded from their purchases. */
export interface MemberSummary {
  cardId: string
  joinedDay: number
  firstVisit: number | null
  secondVisit: number | null
  lastVisit: number | null
  visits: number
  visits30: number
  visits90: number
  /** Visits in the 90 days before the last 90 (days today-179 .. today-90). */
  visitsPrev90: number
  visits365: number
  spend90: number
  spend365: number
  usualGap: number | null
  /** Bit k set: a visit in the k-th local month after the joining month (k < 12). */
  cohortMonths: number
}

/** Scratch space for one member's gaps (summarize is synchronous, so one buffer serves every call). */
let scratch = new Int32Array(256)

/** Folds one member's purchase days (see DayTotals; days with no purchase left are skipped) into their summary. */
export function summarize(cardId: string, joinedDay: number, t: DayTotals | undefined, today: number): MemberSummary {
  let firstVisit: number | null = null
  let secondVisit: number | null = null
  let lastVisit: number | null = null
  let visits = 0
  let visits30 = 0
  let visits90 = 0
  let visitsPrev90 = 0
  let visits365 = 0
  let spend90 = 0
  let spend365 = 0
  let cohortMonths = 0
  const n = t ? t.days.length : 0
  if (scratch.length < n) scratch = new Int32Array(n * 2)
  const gaps = scratch
  let nGaps = 0
  const joinMonth = monthOfDay(joinedDay)
  for (let i = 0; i < n; i++) {
    if (t!.counts[i]! <= 0) continue
    const day = t!.days[i]!
    const age = today - day
    if (age < 0) break
    const spend = t!.spends[i]!
    if (lastVisit !== null) gaps[nGaps++] = day - lastVisit
    if (firstVisit === null) firstVisit = day
    else if (secondVisit === null) secondVisit = day
    lastVisit = day
    visits++
    if (age < 30) visits30++
    if (age < 90) {
      visits90++
      spend90 += spend
    } else if (age < 180) visitsPrev90++
    if (age < 365) {
      visits365++
      spend365 += spend
    }
    if (day - joinedDay < 372) {
      const k = monthOfDay(day) - joinMonth
      if (k >= 0 && k < 12) cohortMonths |= 1 << k
    }
  }
  return {
    cardId,
    joinedDay,
    firstVisit,
    secondVisit,
    lastVisit,
    visits,
    visits30,
    visits90,
    visitsPrev90,
    visits365,
    spend90,
    spend365,
    usualGap: nGaps >= 2 ? medianOfSorted(gaps.subarray(0, nGaps).sort()) : null,
    cohortMonths,
  }
}

/** The spend over 365 days from which a member is high value (null: nobody is). */
export function highValueCutoff(spends: readonly number[], percent: number): number | null {
  const positive = spends.filter((s) => s > 0).sort((a, b) => b - a)
  if (positive.length === 0 || spends.length === 0) return null
  const k = Math.max(1, Math.ceil((spends.length * percent) / 100))
  return positive[Math.min(k, positive.length) - 1]!
}

export interface Classified {
  lifecycle: Lifecycle
  highValue: boolean
  /** Days since the last visit (since joining with no visit). */
  daysAway: number
  /** The usual gap used for at-risk: the member's own, or the merchant's default. */
  gapUsed: number
}

export function classify(m: MemberSummary, today: number, t: Thresholds, cutoff: number | null): Classified {
  const daysAway = today - (m.lastVisit ?? m.joinedDay)
  const gapUsed = m.usualGap ?? t.defaultGapDays
  const highValue = cutoff !== null && m.spend365 > 0 && m.spend365 >= cutoff
  let lifecycle: Lifecycle
  if (today - (m.firstVisit ?? m.joinedDay) <= t.newDays) lifecycle = 'new'
  else if (daysAway >= t.lapsedDays) lifecycle = 'lapsed'
  else if (m.lastVisit !== null && daysAway > t.atRiskMultiplier * gapUsed && daysAway >= t.atRiskMinDays)
    lifecycle = 'at_risk'
  else if (m.visits90 >= t.regularVisits) lifecycle = 'regular'
  else lifecycle = 'occasional'
  return { lifecycle, highValue, daysAway, gapUsed }
}

/** Win-back is due for a member who visited and is now at risk or lapsed; once per last visit. */
export const winbackDue = (m: MemberSummary, c: Classified) =>
  m.lastVisit !== null && (c.lifecycle === 'at_risk' || c.lifecycle === 'lapsed')

export const SECOND_VISIT_BUCKETS = [7, 14, 30, 60, 90] as const

export interface Figures {
  members: number
  segments: Record<Segment, number>
  active30: number
  /** Of members who visited in days today-179..today-90, the share who visited again in the last 90 days. */
  retention: number | null
  churn: number | null
  repeatRate: number | null
  /** Visits per member who visited in the last 90 days. */
  visitFrequency: number | null
  /** Spend per visit over the last 90 days (minor units). */
  averageSpend: number | null
  /** Spend per member active in the last 365 days x expected lifetime in years (capped at 5). */
  lifetimeValue: number | null
  lifetimeYears: number | null
  /** Members who had a second visit within <= 7, 14, 30, 60, 90 days and later; then one visit only. */
  secondVisit: { buckets: number[]; over: number; oneVisit: number }
  /** The last 12 joining months, oldest first: size and members with a visit k months after joining. */
  cohorts: Array<{ month: string; size: number; retained: number[] }>
}

export const MAX_LIFETIME_YEARS = 5

export function figures(summaries: readonly MemberSummary[], classes: readonly Classified[], today: number): Figures {
  const segments = Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Record<Segment, number>
  let active30 = 0
  let retainedBase = 0
  let retained = 0
  let visited = 0
  let repeat = 0
  let active90 = 0
  let visits90 = 0
  let spend90 = 0
  let active365 = 0
  let spend365 = 0
  const buckets = SECOND_VISIT_BUCKETS.map(() => 0)
  let over = 0
  let oneVisit = 0
  const thisMonth = monthOfDay(today)
  const cohorts = Array.from({ length: 12 }, (_, i) => {
    const month = thisMonth - 11 + i
    return { month: isoOfMonth(month), m: month, size: 0, retained: Array.from({ length: 12 - i }, () => 0) }
  })
  summaries.forEach((m, i) => {
    const c = classes[i]!
    segments[c.lifecycle]++
    if (c.highValue) segments.high_value++
    if (m.visits30 > 0) active30++
    if (m.visitsPrev90 > 0) {
      retainedBase++
      if (m.visits90 > 0) retained++
    }
    if (m.visits > 0) visited++
    if (m.visits > 1) repeat++
    if (m.visits90 > 0) active90++
    visits90 += m.visits90
    spend90 += m.spend90
    if (m.visits365 > 0) active365++
    spend365 += m.spend365
    if (m.secondVisit !== null && m.firstVisit !== null) {
      const gap = m.secondVisit - m.firstVisit
      const b = SECOND_VISIT_BUCKETS.findIndex((limit) => gap <= limit)
      if (b >= 0) buckets[b]!++
      else over++
    } else if (m.visits === 1) oneVisit++
    const ci = monthOfDay(m.joinedDay) - (thisMonth - 11)
    if (ci >= 0 && ci < 12) {
      const cohort = cohorts[ci]!
      cohort.size++
      for (let k = 0; k < cohort.retained.length; k++) if (m.cohortMonths & (1 << k)) cohort.retained[k]!++
    }
  })
  const retention = retainedBase ? retained / retainedBase : null
  const annualChurn = retention === null ? null : 1 - retention ** 4
  const lifetimeYears =
    annualChurn === null ? null : annualChurn <= 1 / MAX_LIFETIME_YEARS ? MAX_LIFETIME_YEARS : 1 / annualChurn
  return {
    members: summaries.length,
    segments,
    active30,
    retention,
    churn: retention === null ? null : 1 - retention,
    repeatRate: visited ? repeat / visited : null,
    visitFrequency: active90 ? visits90 / active90 : null,
    averageSpend: visits90 ? Math.round(spend90 / visits90) : null,
    lifetimeValue: active365 && lifetimeYears !== null ? Math.round((spend365 / active365) * lifetimeYears) : null,
    lifetimeYears,
    secondVisit: { buckets, over, oneVisit },
    cohorts: cohorts.map(({ month, size, retained: r }) => ({ month, size, retained: r })),
  }
}

/** Points liability in money: outstanding points at the merchant's value of 100 points (null: not set). */
export const liabilityMinor = (points: number, per100: number | null) =>
  per100 === null ? null : Math.round((points * per100) / 100)

/**
 * One member's purchases per local day, gross (a reversal takes its purchase back out): the shape
 * the summaries keep per card. Days ascend; counts and spends are aligned with them.
 */
export interface DayTotals {
  days: number[]
  counts: number[]
  spends: number[]
}

export const emptyTotals = (): DayTotals => ({ days: [], counts: [], spends: [] })

function indexOfDay(t: DayTotals, day: number): number {
  for (let i = t.days.length - 1; i >= 0; i--) {
    if (t.days[i] === day) return i
    if (t.days[i]! < day) return -1 - (i + 1)
  }
  return -1 // insert at 0
}

/** Adds a purchase (or, with sign -1, takes a reversed one back out). */
export function addPurchase(t: DayTotals, day: number, amountMinor: number, sign: 1 | -1 = 1): void {
  const i = indexOfDay(t, day)
  if (i >= 0) {
    t.counts[i]! += sign
    t.spends[i]! += sign * amountMinor
    return
  }
  if (sign < 0) return
  const at = -1 - i
  t.days.splice(at, 0, day)
  t.counts.splice(at, 0, 1)
  t.spends.splice(at, 0, amountMinor)
}

/** Comma-separated integers, parsed by hand: the dashboard decodes millions of them per request. */
function nums(s: string): number[] {
  const out: number[] = []
  if (s === '') return out
  let n = 0
  let neg = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 44) {
      out.push(neg ? -n : n)
      n = 0
      neg = false
    } else if (c === 45) neg = true
    else n = n * 10 + (c - 48)
  }
  out.push(neg ? -n : n)
  return out
}
export const decodeTotals = (r: { days: string; counts: string; spends: string }): DayTotals => ({
  days: nums(r.days),
  counts: nums(r.counts),
  spends: nums(r.spends),
})
export const encodeTotals = (t: DayTotals) => ({
  days: t.days.join(','),
  counts: t.counts.join(','),
  spends: t.spends.join(','),
})
