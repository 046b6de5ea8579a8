/**
 * What feedback says, in numbers: the average rating and the recommend score with 95 % intervals, and
 * whether members who rated a visit low come back less than those who rated it high. Pure.
 * docs/feedback.md explains each figure.
 */
import { HIGH_RATING_MIN, LOW_RATING_MAX } from './feedback.js'

const Z = 1.959963984540054

/** Student's t 97.5 % quantiles for 1-30 degrees of freedom (two-sided 95 %). */
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314,
  2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
]

/** Student's t quantile for 97.5 %: the table up to 30 degrees of freedom, Cornish-Fisher beyond (error < 1e-4). */
export function t975(df: number): number {
  if (df <= T975.length) return T975[Math.max(1, df) - 1]!
  const z = Z
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))

export interface MeanStat {
  n: number
  mean: number | null
  /** The 95 % interval (Student's t); null below two answers. */
  low: number | null
  high: number | null
}

/** The mean of scores on a scale [min, max], with its 95 % interval kept inside the scale. */
export function meanWithInterval(values: readonly number[], min = 1, max = 5): MeanStat {
  const n = values.length
  if (n === 0) return { n, mean: null, low: null, high: null }
  const mean = values.reduce((s, v) => s + v, 0) / n
  if (n < 2) return { n, mean, low: null, high: null }
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1))
  const half = (t975(n - 1) * sd) / Math.sqrt(n)
  return { n, mean, low: clamp(mean - half, min, max), high: clamp(mean + half, min, max) }
}

export interface RecommendStat {
  n: number
  promoters: number
  passives: number
  detractors: number
  /** Percent promoters (9-10) minus percent detractors (0-6): -100 to 100; null without answers. */
  score: number | null
  low: number | null
  high: number | null
}

/**
 * The recommend score (net promoter style) and its 95 % interval. The interval is the adjusted Wald
 * one (Rocks 2016): three quarters of a promoter and of a detractor and one and a half passives are
 * added before the variance is taken, so 5 promoters out of 5 do not claim a zero-width interval.
 */
export function recommendScore(scores: readonly number[]): RecommendStat {
  let promoters = 0
  let detractors = 0
  for (const s of scores) {
    if (s >= 9) promoters++
    else if (s <= 6) detractors++
  }
  const n = scores.length
  const passives = n - promoters - detractors
  if (n === 0) return { n, promoters, passives, detractors, score: null, low: null, high: null }
  const score = (100 * (promoters - detractors)) / n
  const na = n + 3
  const pp = (promoters + 0.75) / na
  const pd = (detractors + 0.75) / na
  const d = pp - pd
  const se = Math.sqrt((pp + pd - d * d) / na)
  return {
    n,
    promoters,
    passives,
    detractors,
    score,
    low: clamp(100 * (d - Z * se), -100, 100),
    high: clamp(100 * (d + Z * se), -100, 100),
  }
}

/** Wilson's score interval for a share: k of n. */
export function wilson(k: number, n: number): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 }
  const p = k / n
  const z2 = Z * Z
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n)
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) }
}

/** Newcombe's hybrid score interval for the difference of two shares (k1/n1 - k2/n2). */
export function shareDifference(k1: number, n1: number, k2: number, n2: number) {
  const p1 = k1 / n1
  const p2 = k2 / n2
  const a = wilson(k1, n1)
  const b = wilson(k2, n2)
  const value = p1 - p2
  return {
    value,
    low: value - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: value + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  }
}

/* ---- do members who rated a visit low come back less? ---- */

export const COMEBACK_WINDOWS = [30, 60] as const
/** Fewer rated visits than this in either group, and the comparison says "not enough data". */
export const COMEBACK_MIN_GROUP = 20

export interface RatedVisit {
  rating: number
  /** Local day number of the rated visit. */
  visitDay: number
  /** The member's first visit day after it (a purchase, as the insights count visits), or null. */
  nextVisitDay: number | null
}

/** The first day in ascending `days` after `day`, or null. */
export function nextVisitAfter(days: readonly number[], day: number): number | null {
  for (const d of days) if (d > day) return d
  return null
}

export interface ComebackGroup {
  /** Rated visits whose whole window has passed. */
  n: number
  /** Of those, the member visited again within the window. */
  returned: number
  share: number | null
  low: number | null
  high: number | null
}
export interface ComebackWindow {
  days: number
  status: 'ok' | 'not_enough_data'
  low: ComebackGroup
  high: ComebackGroup
  /** High minus low, with its 95 % interval: how much more often high raters came back. */
  difference: { value: number; low: number; high: number } | null
}

/**
 * For each window (30 and 60 days): of the visits rated low (1-2) and high (4-5) whose window has
 * ended by `today`, the share after which the member visited again within the window, with Wilson
 * intervals, and the difference with Newcombe's. Below `minGroup` in either group: not enough data,
 * and no shares are given (they would be read as findings).
 */
export function comebackComparison(
  visits: readonly RatedVisit[],
  today: number,
  windows: readonly number[] = COMEBACK_WINDOWS,
  minGroup = COMEBACK_MIN_GROUP,
): ComebackWindow[] {
  return windows.map((days) => {
    const count = (pick: (r: number) => boolean) => {
      let n = 0
      let returned = 0
      for (const v of visits) {
        if (!pick(v.rating) || v.visitDay + days > today) continue
        n++
        if (v.nextVisitDay !== null && v.nextVisitDay - v.visitDay <= days) returned++
      }
      return { n, returned }
    }
    const lo = count((r) => r <= LOW_RATING_MAX)
    const hi = count((r) => r >= HIGH_RATING_MIN)
    const enough = lo.n >= minGroup && hi.n >= minGroup
    const group = (g: { n: number; returned: number }): ComebackGroup =>
      enough
        ? { ...g, share: g.returned / g.n, ...wilson(g.returned, g.n) }
        : { ...g, share: null, low: null, high: null }
    return {
      days,
      status: enough ? 'ok' : 'not_enough_data',
      low: group(lo),
      high: group(hi),
      difference: enough ? shareDifference(hi.returned, hi.n, lo.returned, lo.n) : null,
    }
  })
}
