import { describe, expect, it } from 'vitest'
import {
  checkSurveyAnswers,
  currentRound,
  inboxAccess,
  nudgeDue,
  roundOpensAt,
  visitQuestionDue,
  visitQuestionExpiresAt,
  type QuestionRule,
} from '../../server/domain/feedback.js'
import {
  comebackComparison,
  meanWithInterval,
  nextVisitAfter,
  recommendScore,
  t975,
  type RatedVisit,
} from '../../server/domain/feedback-stats.js'

const HOUR = 3_600_000
const at = (iso: string) => new Date(iso)

/** A small seeded generator (mulberry32), so the simulations below are the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

describe('the recommend score', () => {
  it('is percent promoters minus percent detractors, with the adjusted Wald interval', () => {
    const scores = [...Array(50).fill(10), ...Array(30).fill(8), ...Array(20).fill(3)]
    const r = recommendScore(scores)
    expect(r).toMatchObject({ n: 100, promoters: 50, passives: 30, detractors: 20, score: 30 })
    // By hand: n' = 103, p = 50.75/103, d = 20.75/103, se = sqrt((p + d - (p - d)^2) / 103).
    const p = 50.75 / 103
    const d = 20.75 / 103
    const se = Math.sqrt((p + d - (p - d) ** 2) / 103)
    expect(r.low).toBeCloseTo(100 * (p - d - 1.96 * se), 1)
    expect(r.high).toBeCloseTo(100 * (p - d + 1.96 * se), 1)
    expect(r.low!).toBeGreaterThan(13)
    expect(r.high!).toBeLessThan(45)
  })

  it('gives no score without answers, and a real interval when everyone is a promoter', () => {
    expect(recommendScore([])).toMatchObject({ n: 0, score: null, low: null, high: null })
    const all = recommendScore([9, 10, 10, 9, 10])
    expect(all.score).toBe(100)
    expect(all.high).toBe(100)
    expect(all.low!).toBeLessThan(60)
  })

  it('covers the true score about 95 times in 100 on samples of 80', () => {
    const random = rng(21)
    // True shares: 45 % promoters, 20 % detractors: a score of 25.
    let covered = 0
    const runs = 2000
    for (let i = 0; i < runs; i++) {
      const sample = Array.from({ length: 80 }, () => {
        const u = random()
        return u < 0.45 ? 10 : u < 0.65 ? 3 : 8
      })
      const r = recommendScore(sample)
      if (r.low! <= 25 && 25 <= r.high!) covered++
    }
    expect(covered / runs).toBeGreaterThan(0.93)
    expect(covered / runs).toBeLessThan(0.975)
  })
})

describe('the average rating', () => {
  it("uses Student's t for its interval and stays inside the scale", () => {
    expect(t975(3)).toBeCloseTo(3.182, 2)
    expect(t975(4)).toBeCloseTo(2.776, 2)
    expect(t975(10)).toBeCloseTo(2.228, 3)
    expect(t975(30)).toBeCloseTo(2.042, 3)
    expect(t975(31)).toBeCloseTo(2.0395, 3)
    expect(t975(120)).toBeCloseTo(1.9799, 3)
    const m = meanWithInterval([1, 2, 3, 4, 5])
    expect(m.mean).toBe(3)
    expect(m.low).toBeCloseTo(3 - (2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 2)
    expect(meanWithInterval([5, 5, 4]).high).toBe(5)
    expect(meanWithInterval([4])).toEqual({ n: 1, mean: 4, low: null, high: null })
    expect(meanWithInterval([])).toEqual({ n: 0, mean: null, low: null, high: null })
  })
})

describe('the come-back comparison', () => {
  /**
   * A generated history with a known answer: 400 low and 400 high ratings on days 0-99. After 30 % of
   * the low-rated visits the member comes back within 30 days, after 40 % within 60; high: 70 % and
   * 80 %. Today is day 200, so every window has passed. Ratings of 3 and visits too recent to judge
   * are mixed in and must not count.
   */
  function history(perGroup = 400): RatedVisit[] {
    const out: RatedVisit[] = []
    for (let i = 0; i < perGroup; i++) {
      const day = i % 100
      const low = i % 10 < 3 ? day + 5 + (i % 20) : i % 10 < 4 ? day + 45 : i % 10 < 6 ? day + 90 : null
      const high = i % 10 < 7 ? day + 1 + (i % 29) : i % 10 < 8 ? day + 31 + (i % 29) : null
      out.push({ rating: 1 + (i % 2), visitDay: day, nextVisitDay: low })
      out.push({ rating: 4 + (i % 2), visitDay: day, nextVisitDay: high })
      out.push({ rating: 3, visitDay: day, nextVisitDay: null })
    }
    // Too recent for either window: nobody came back yet, which says nothing.
    for (let i = 0; i < 50; i++) out.push({ rating: 5, visitDay: 190, nextVisitDay: null })
    return out
  }

  it('finds the known shares, and a difference whose interval holds the truth and not zero', () => {
    const [w30, w60] = comebackComparison(history(), 200)
    expect(w30).toMatchObject({
      days: 30,
      status: 'ok',
      low: { n: 400, returned: 120 },
      high: { n: 400, returned: 280 },
    })
    expect(w30!.low.share).toBeCloseTo(0.3)
    expect(w30!.high.share).toBeCloseTo(0.7)
    expect(w30!.difference!.value).toBeCloseTo(0.4)
    expect(w30!.difference!.low).toBeGreaterThan(0.3)
    expect(w30!.difference!.high).toBeLessThan(0.5)
    expect(w30!.low.low!).toBeLessThan(0.3)
    expect(w30!.low.high!).toBeGreaterThan(0.3)
    expect(w60).toMatchObject({ days: 60, low: { returned: 160 }, high: { returned: 320 } })
    expect(w60!.low.share).toBeCloseTo(0.4)
    expect(w60!.high.share).toBeCloseTo(0.8)
  })

  it('says "not enough data" below the threshold in either group, and gives no shares then', () => {
    const few = history(19)
    const [w30] = comebackComparison(few, 200)
    expect(w30).toMatchObject({ status: 'not_enough_data', difference: null, low: { n: 19, share: null } })
    expect(comebackComparison(history(20), 200)[0]!.status).toBe('ok')
  })

  it('counts only visits whose window has passed', () => {
    const v = [{ rating: 1, visitDay: 100, nextVisitDay: null }]
    expect(comebackComparison(v, 129, [30], 1)[0]!.low.n).toBe(0)
    expect(comebackComparison(v, 130, [30], 1)[0]!.low.n).toBe(1)
    expect(nextVisitAfter([3, 10, 40], 10)).toBe(40)
    expect(nextVisitAfter([3, 10], 10)).toBeNull()
  })
})

describe('how often a member is asked', () => {
  const now = at('2026-03-10T12:00:00.000Z')
  const due = (visitAt: string, last: string | null, periodDays = 14) =>
    visitQuestionDue({ visitAt, lastAskedVisitAt: last, periodDays, now })

  it('asks about a fresh visit, once per period', () => {
    expect(due('2026-03-10T11:00:00.000Z', null)).toBe(true)
    expect(due('2026-03-10T11:00:00.000Z', '2026-02-25T11:00:01.000Z')).toBe(false)
    expect(due('2026-03-10T11:00:00.000Z', '2026-02-24T11:00:00.000Z')).toBe(true)
    expect(due('2026-03-10T11:00:00.000Z', '2026-03-01T11:00:00.000Z', 7)).toBe(true)
  })

  it('never asks about a visit whose question would already have expired, or one in the future', () => {
    expect(visitQuestionExpiresAt('2026-03-07T12:00:00.000Z')).toBe('2026-03-10T12:00:00.000Z')
    expect(due('2026-03-07T12:00:00.000Z', null)).toBe(false)
    expect(due('2026-03-07T12:00:01.000Z', null)).toBe(true)
    expect(due('2026-03-10T12:00:01.000Z', null)).toBe(false)
  })

  it('pushes the question after the delay, and not once it has expired', () => {
    const visitAt = '2026-03-10T08:00:00.000Z'
    const expiresAt = visitQuestionExpiresAt(visitAt)
    const nudge = (t: number) => nudgeDue({ visitAt, expiresAt, delayHours: 3, now: new Date(Date.parse(visitAt) + t) })
    expect(nudge(3 * HOUR - 1)).toBe(false)
    expect(nudge(3 * HOUR)).toBe(true)
    expect(nudge(72 * HOUR)).toBe(false)
  })
})

describe('survey rounds', () => {
  it('opens a one-off survey once, for 30 days', () => {
    const s = '2026-03-10T12:00:00.000Z'
    expect(currentRound(s, 'once', at('2026-03-10T11:59:59.000Z'))).toBeNull()
    expect(currentRound(s, 'once', at(s))).toEqual({ round: 0, opensAt: s, closesAt: '2026-04-09T12:00:00.000Z' })
    expect(currentRound(s, 'once', at('2026-04-09T12:00:00.000Z'))).toBeNull()
  })

  it('opens a quarterly survey every three calendar months, the day kept or the month end', () => {
    const s = '2026-01-31T09:00:00.000Z'
    expect(roundOpensAt(s, 'quarterly', 1)).toBe('2026-04-30T09:00:00.000Z')
    expect(roundOpensAt(s, 'quarterly', 2)).toBe('2026-07-31T09:00:00.000Z')
    expect(currentRound(s, 'quarterly', at('2026-05-15T00:00:00.000Z'))).toMatchObject({
      round: 1,
      opensAt: '2026-04-30T09:00:00.000Z',
      closesAt: '2026-05-30T09:00:00.000Z',
    })
    expect(currentRound(s, 'quarterly', at('2026-06-10T00:00:00.000Z'))).toBeNull()
    expect(currentRound(s, 'quarterly', at('2027-02-01T00:00:00.000Z'))).toMatchObject({ round: 4 })
    expect(currentRound(s, 'quarterly', at('2027-01-30T00:00:00.000Z'))).toBeNull()
  })
})

describe('survey answers', () => {
  const qs: QuestionRule[] = [
    { id: 'r', kind: 'rating', options: null, required: true },
    { id: 'n', kind: 'recommend', options: null, required: false },
    { id: 'one', kind: 'single', options: ['Coffee', 'Cake'], required: false },
    { id: 'many', kind: 'multiple', options: ['A', 'B', 'C'], required: false },
    { id: 'txt', kind: 'text', options: null, required: false },
  ]

  it('keeps valid answers, sorted choices and trimmed text', () => {
    const r = checkSurveyAnswers(qs, [
      { questionId: 'r', score: 4 },
      { questionId: 'n', score: 0 },
      { questionId: 'many', choices: [2, 0] },
      { questionId: 'txt', text: '  more cake  ' },
    ])
    expect(r.issues).toEqual([])
    expect(r.answers).toEqual([
      { questionId: 'r', score: 4, choices: null, text: null },
      { questionId: 'n', score: 0, choices: null, text: null },
      { questionId: 'many', score: null, choices: [0, 2], text: null },
      { questionId: 'txt', score: null, choices: null, text: 'more cake' },
    ])
  })

  it('names the field of each problem', () => {
    const issues = (answers: Parameters<typeof checkSurveyAnswers>[1]) => checkSurveyAnswers(qs, answers).issues
    expect(issues([{ questionId: 'r', score: 6 }])).toEqual([
      { path: 'answers.0.score', message: 'a whole number from 1 to 5' },
    ])
    expect(
      issues([
        { questionId: 'r', score: 3 },
        { questionId: 'n', score: 11 },
      ])[0]!.path,
    ).toBe('answers.1.score')
    expect(
      issues([
        { questionId: 'r', score: 3 },
        { questionId: 'one', choices: [0, 1] },
      ])[0]!.path,
    ).toBe('answers.1.choices')
    expect(
      issues([
        { questionId: 'r', score: 3 },
        { questionId: 'many', choices: [3] },
      ])[0]!.path,
    ).toBe('answers.1.choices')
    expect(issues([{ questionId: 'other', score: 3 }])[0]).toEqual({
      path: 'answers.0.questionId',
      message: 'not a question of this survey',
    })
    expect(issues([{ questionId: 'n', score: 9 }])).toEqual([
      { path: 'answers', message: 'question 1 needs an answer' },
    ])
  })
})

describe('who reads the inbox', () => {
  it('owners and managers read everything; cashiers only what the owner allowed', () => {
    expect(inboxAccess('owner', 's1', 'none')).toEqual({ staffId: null, names: true, surveys: true, canReply: true })
    expect(inboxAccess('manager', 's1', 'none')!.canReply).toBe(true)
    expect(inboxAccess('cashier', 's1', 'none')).toBeNull()
    expect(inboxAccess('cashier', 's1', 'own')).toEqual({
      staffId: 's1',
      names: false,
      surveys: false,
      canReply: false,
    })
    expect(inboxAccess('cashier', 's1', 'own_named')!.names).toBe(true)
    expect(inboxAccess('pos', null, 'own_named')).toBeNull()
  })
})
