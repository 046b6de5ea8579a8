import { describe, expect, it } from 'vitest'
import {
  addPurchase,
  classify,
  decodeTotals,
  DEFAULT_THRESHOLDS,
  emptyTotals,
  encodeTotals,
  figures,
  highValueCutoff,
  summarize,
  usualGap,
  winbackDue,
  type DayTotals,
} from '../../server/domain/insights.js'
import { dayNumber, dayNumberOf, isoOfDay, localDayFn, monthOfDay } from '../../server/domain/time.js'

const TODAY = dayNumber(2026, 3, 10)
const T = DEFAULT_THRESHOLDS

/** Totals with one purchase of `spend` on each of the days `ago` before TODAY. */
function visits(ago: number[], spend = 1000): DayTotals {
  const t = emptyTotals()
  for (const a of [...ago].sort((x, y) => y - x)) addPurchase(t, TODAY - a, spend)
  return t
}
const member = (joinedAgo: number, ago: number[], spend = 1000) =>
  summarize('c', TODAY - joinedAgo, visits(ago, spend), TODAY)
const lifecycle = (joinedAgo: number, ago: number[], t = T) =>
  classify(member(joinedAgo, ago), TODAY, t, null).lifecycle

describe('visits and the usual gap', () => {
  it('takes the median of the gaps between visit days', () => {
    expect(usualGap([0, 10, 20, 60])).toBe(10)
    expect(usualGap([0, 50, 100, 140, 160, 180, 195])).toBe(30)
  })

  it('does not know the usual gap before two gaps', () => {
    expect(usualGap([0, 10])).toBeNull()
    expect(usualGap([])).toBeNull()
  })

  it('counts a day with several purchases as one visit with their spend', () => {
    const t = emptyTotals()
    addPurchase(t, TODAY - 3, 500)
    addPurchase(t, TODAY - 3, 700)
    addPurchase(t, TODAY - 1, 100)
    const s = summarize('c', TODAY - 10, t, TODAY)
    expect(s).toMatchObject({ visits: 2, spend90: 1300, firstVisit: TODAY - 3, lastVisit: TODAY - 1 })
  })

  it('drops a visit whose only purchase was reversed, and keeps the day when another purchase stands', () => {
    const t = emptyTotals()
    addPurchase(t, TODAY - 5, 500)
    addPurchase(t, TODAY - 2, 300)
    addPurchase(t, TODAY - 2, 200)
    addPurchase(t, TODAY - 5, 500, -1)
    addPurchase(t, TODAY - 2, 200, -1)
    const s = summarize('c', TODAY - 10, t, TODAY)
    expect(s).toMatchObject({ visits: 1, spend90: 300, firstVisit: TODAY - 2 })
  })

  it('keeps purchase days through the stored text form', () => {
    const t = visits([30, 20, 3])
    addPurchase(t, TODAY - 3, 250)
    expect(decodeTotals(encodeTotals(t))).toEqual(t)
    expect(encodeTotals(t)).toEqual({
      days: `${TODAY - 30},${TODAY - 20},${TODAY - 3}`,
      counts: '1,1,2',
      spends: '1000,1000,1250',
    })
  })

  it('puts a purchase on the local day of the merchant, across a DST change', () => {
    const day = localDayFn('Europe/Warsaw')
    // 23:30 UTC on 28 March is 00:30 on the 29th in Warsaw (UTC+1); summer time starts that night.
    expect(isoOfDay(day('2026-03-28T23:30:00.000Z'))).toBe('2026-03-29')
    expect(isoOfDay(day('2026-03-28T22:59:00.000Z'))).toBe('2026-03-28')
    expect(isoOfDay(day('2026-03-29T22:30:00.000Z'))).toBe('2026-03-30')
    expect(isoOfDay(day('2026-03-29T21:30:00.000Z'))).toBe('2026-03-29')
    expect(dayNumberOf(new Date('2026-03-10T12:00:00Z'), 'Europe/Warsaw')).toBe(TODAY)
    expect(monthOfDay(TODAY)).toBe(2026 * 12 + 2)
  })
})

describe('segments', () => {
  it('calls a member new within 30 days of their first visit, or of joining with no visit', () => {
    expect(lifecycle(40, [30, 5])).toBe('new')
    expect(lifecycle(20, [])).toBe('new')
    expect(lifecycle(60, [31, 5])).not.toBe('new')
  })

  it('calls a member lapsed after 90 days without a visit, counting from joining when they never came', () => {
    expect(lifecycle(200, [90])).toBe('lapsed')
    expect(lifecycle(200, [89])).not.toBe('lapsed')
    expect(lifecycle(95, [])).toBe('lapsed')
  })

  it('calls a member at risk when away more than twice their usual gap, and never within a week', () => {
    // Visits every 10 days: away 20 days is not yet at risk, 21 is.
    expect(lifecycle(200, [60, 50, 40, 30, 20])).toBe('regular')
    expect(lifecycle(200, [61, 51, 41, 31, 21])).toBe('at_risk')
    // A daily regular away 5 days is not at risk (at least 7 days), away 7 is.
    expect(lifecycle(100, [60, 9, 8, 7, 6, 5])).toBe('regular')
    expect(lifecycle(100, [60, 11, 10, 9, 8, 7])).toBe('at_risk')
  })

  it('uses the merchant default gap for a member with fewer than three visits', () => {
    expect(lifecycle(100, [80, 60])).toBe('occasional')
    expect(lifecycle(100, [80, 61])).toBe('at_risk')
    expect(lifecycle(100, [60], { ...T, defaultGapDays: 20 })).toBe('at_risk')
  })

  it('calls a member regular with three visits in the last 90 days', () => {
    expect(lifecycle(300, [89, 45, 2])).toBe('regular')
    expect(lifecycle(300, [90, 45, 2])).toBe('occasional')
    expect(lifecycle(300, [89, 45, 2], { ...T, regularVisits: 4 })).toBe('occasional')
  })

  it('makes the top 10% by spend high value, ties included, whatever their lifecycle segment', () => {
    const spends = [9000, 5000, 5000, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    expect(highValueCutoff(spends, 10)).toBe(5000)
    expect(highValueCutoff([0, 0], 10)).toBeNull()
    const lapsedBigSpender = member(300, [200, 100], 5000)
    expect(classify(lapsedBigSpender, TODAY, T, 5000)).toMatchObject({ lifecycle: 'lapsed', highValue: true })
    expect(classify(member(300, [2], 100), TODAY, T, 5000).highValue).toBe(false)
  })

  it('owes a win-back to a member who visited and is now at risk or lapsed', () => {
    const atRisk = member(200, [61, 51, 41, 31, 21])
    expect(winbackDue(atRisk, classify(atRisk, TODAY, T, null))).toBe(true)
    const never = member(200, [])
    expect(winbackDue(never, classify(never, TODAY, T, null))).toBe(false)
    const regular = member(200, [30, 20, 10])
    expect(winbackDue(regular, classify(regular, TODAY, T, null))).toBe(false)
  })
})

describe('figures', () => {
  // Hand-made members (days ago of each visit, 1000 per visit).
  const cases: Array<[joinedAgo: number, visitsAgo: number[]]> = [
    [200, [200, 150, 100, 60, 40, 20, 5]], // regular, retained
    [100, [100, 90, 80, 70]], // at risk, retained
    [300, [300, 200]], // lapsed, not in the retention base
    [10, [10]], // new
    [120, [120, 30]], // occasional, retained
    [95, []], // lapsed, never came
    [170, [170, 120]], // lapsed, not retained
  ]
  const summaries = cases.map(([j, v]) => member(j, v))
  const cutoff = highValueCutoff(
    summaries.map((s) => s.spend365),
    10,
  )
  const classes = summaries.map((s) => classify(s, TODAY, T, cutoff))
  const f = figures(summaries, classes, TODAY)

  it('counts each member in exactly one lifecycle segment', () => {
    expect(f.segments).toEqual({ new: 1, regular: 1, occasional: 1, at_risk: 1, lapsed: 3, high_value: 1 })
    expect(f.members).toBe(7)
  })

  it('computes retention, churn, repeat rate, frequency, spend and lifetime value by their definitions', () => {
    expect(f.active30).toBe(2)
    expect(f.retention).toBe(3 / 4)
    expect(f.churn).toBe(1 / 4)
    expect(f.repeatRate).toBe(5 / 6)
    expect(f.visitFrequency).toBe(8 / 4)
    expect(f.averageSpend).toBe(1000)
    // 365-day spend 18,000 over 6 active members, times 1 / (1 - 0.75^4) years.
    expect(f.lifetimeYears).toBeCloseTo(1 / (1 - 0.75 ** 4), 10)
    expect(f.lifetimeValue).toBe(Math.round(3000 / (1 - 0.75 ** 4)))
  })

  it('buckets the days from first to second visit', () => {
    expect(f.secondVisit).toEqual({ buckets: [0, 1, 0, 2, 1], over: 1, oneVisit: 1 })
  })

  it('gives the share of each monthly cohort that came back in each following month', () => {
    expect(f.cohorts.map((c) => c.month)).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ])
    // Joined 22 Aug 2025, visits in Aug, Oct, Nov, Jan (2), Feb, Mar.
    expect(f.cohorts[4]).toEqual({ month: '2025-08', size: 1, retained: [1, 0, 1, 1, 0, 1, 1, 1] })
    // Joined 30 Nov (visits 30 Nov, 10, 20, 30 Dec) and 10 Nov (visits 10 Nov, 8 Feb).
    expect(f.cohorts[7]).toEqual({ month: '2025-11', size: 2, retained: [2, 1, 0, 1, 0] })
    // Joined 5 Dec, never came.
    expect(f.cohorts[8]).toEqual({ month: '2025-12', size: 1, retained: [0, 0, 0, 0] })
    expect(f.cohorts[11]).toEqual({ month: '2026-03', size: 0, retained: [0] })
  })

  it('has no rates without the members to compute them from', () => {
    const empty = figures([], [], TODAY)
    expect(empty).toMatchObject({
      members: 0,
      retention: null,
      churn: null,
      repeatRate: null,
      averageSpend: null,
      lifetimeValue: null,
    })
  })
})
