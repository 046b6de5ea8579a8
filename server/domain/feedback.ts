/**
 * Feedback rules: when a member is asked about a visit, when a survey's rounds open, which answers
 * are valid, who may read the inbox. Pure; everything that depends on time takes `now`. The
 * figures (averages, the recommend score, the come-back comparison) are in feedback-stats.ts.
 * docs/feedback.md says the same in prose.
 */
import { DAY_MS } from './time.js'

export const HOUR_MS = 3_600_000

/** A visit question stays open this long after the visit; then it expires unanswered. */
export const VISIT_QUESTION_TTL_HOURS = 72
/** A survey round stays open this long (a quarterly round also closes when the next one opens). */
export const SURVEY_ROUND_OPEN_DAYS = 30
/** Ratings of this or lower are low: the owner hears of them at once. */
export const LOW_RATING_MAX = 2
/** Ratings of this or higher are high (the come-back comparison's other group). */
export const HIGH_RATING_MIN = 4
export const MAX_COMMENT_CHARS = 1000
export const MAX_SURVEY_QUESTIONS = 5

export type CashierAccess = 'none' | 'own' | 'own_named'
export interface FeedbackSettings {
  /** Ask members about their visit after an award or a stamp at the till. */
  visitQuestions: boolean
  /** At most one visit question per member per this many days. */
  periodDays: number
  /** The push with the question goes this many hours after the visit (if still unanswered). */
  pushDelayHours: number
  /** What cashiers may read: nothing, the ratings of visits they served, or those with the member's name. */
  cashierAccess: CashierAccess
}
export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = {
  visitQuestions: true,
  periodDays: 14,
  pushDelayHours: 3,
  cashierAccess: 'none',
}

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString()

/* ---- how often a member is asked about a visit ---- */

export const visitQuestionExpiresAt = (visitAt: string) => plus(visitAt, VISIT_QUESTION_TTL_HOURS * HOUR_MS)

/**
 * Whether a visit gets a question now: it happened (not in the future), its question would still be
 * open, and it is at least `periodDays` after the last visit this member was asked about here.
 */
export function visitQuestionDue(a: {
  visitAt: string
  lastAskedVisitAt: string | null
  periodDays: number
  now: Date
}): boolean {
  const visit = Date.parse(a.visitAt)
  if (visit > a.now.getTime()) return false
  if (Date.parse(visitQuestionExpiresAt(a.visitAt)) <= a.now.getTime()) return false
  return a.lastAskedVisitAt === null || visit >= Date.parse(a.lastAskedVisitAt) + a.periodDays * DAY_MS
}

/** The visit time before which a new question may not be asked, given the last visit asked about. */
export const askedBefore = (visitAt: string, periodDays: number) => plus(visitAt, -periodDays * DAY_MS)

/** The push with the question: due `delayHours` after the visit, while the question is still open. */
export function nudgeDue(a: { visitAt: string; expiresAt: string; delayHours: number; now: Date }): boolean {
  const t = a.now.getTime()
  return t >= Date.parse(a.visitAt) + a.delayHours * HOUR_MS && t < Date.parse(a.expiresAt)
}

/* ---- survey rounds ---- */

export type SurveySchedule = 'once' | 'quarterly'
export interface SurveyRound {
  round: number
  opensAt: string
  closesAt: string
}

/** `months` calendar months after `at` (UTC), the day kept or, past the month's end, its last day. */
function addUtcMonths(at: Date, months: number): Date {
  const y = at.getUTCFullYear()
  const m = at.getUTCMonth() + months
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  const d = new Date(at)
  d.setUTCFullYear(y, m, Math.min(at.getUTCDate(), last))
  return d
}

/** When round `round` opens: the start, then (quarterly) every three calendar months after it. */
export function roundOpensAt(startsAt: string, schedule: SurveySchedule, round: number): string {
  if (schedule === 'once' && round > 0) throw new Error('a one-off survey has one round')
  return addUtcMonths(new Date(startsAt), 3 * round).toISOString()
}

/** The round open at `now`, or null (not started, between rounds, or over). */
export function currentRound(startsAt: string, schedule: SurveySchedule, now: Date): SurveyRound | null {
  const t = now.getTime()
  if (t < Date.parse(startsAt)) return null
  let round = 0
  if (schedule === 'quarterly') {
    const s = new Date(startsAt)
    const months = (now.getUTCFullYear() - s.getUTCFullYear()) * 12 + now.getUTCMonth() - s.getUTCMonth()
    // A guess one round too far at most, then back to the last round that has opened.
    round = Math.max(0, Math.floor(months / 3) + 1)
    while (round > 0 && Date.parse(roundOpensAt(startsAt, schedule, round)) > t) round--
  }
  const opensAt = roundOpensAt(startsAt, schedule, round)
  let closes = Date.parse(opensAt) + SURVEY_ROUND_OPEN_DAYS * DAY_MS
  if (schedule === 'quarterly') closes = Math.min(closes, Date.parse(roundOpensAt(startsAt, schedule, round + 1)))
  if (t >= closes) return null
  return { round, opensAt, closesAt: new Date(closes).toISOString() }
}

/* ---- survey answers ---- */

export type QuestionKind = 'rating' | 'recommend' | 'single' | 'multiple' | 'text'
/** The scale of each scored kind: a visit-style rating, and the 0-10 "would you recommend us". */
export const SCALE: Record<'rating' | 'recommend', { min: number; max: number }> = {
  rating: { min: 1, max: 5 },
  recommend: { min: 0, max: 10 },
}

export interface QuestionRule {
  id: string
  kind: QuestionKind
  options: string[] | null
  required: boolean
}
export interface AnswerInput {
  questionId: string
  score?: number | null | undefined
  choices?: number[] | null | undefined
  text?: string | null | undefined
}
export interface CleanAnswer {
  questionId: string
  score: number | null
  choices: number[] | null
  text: string | null
}
export interface Issue {
  path: string
  message: string
}

/** Checks answers against the survey's questions: each issue names the field; clean answers otherwise. */
export function checkSurveyAnswers(
  questions: readonly QuestionRule[],
  answers: readonly AnswerInput[],
): { issues: Issue[]; answers: CleanAnswer[] } {
  const byId = new Map(questions.map((q) => [q.id, q]))
  const issues: Issue[] = []
  const clean: CleanAnswer[] = []
  const seen = new Set<string>()
  answers.forEach((a, i) => {
    const at = (field: string) => `answers.${i}.${field}`
    const q = byId.get(a.questionId)
    if (!q) return issues.push({ path: at('questionId'), message: 'not a question of this survey' })
    if (seen.has(q.id)) return issues.push({ path: at('questionId'), message: 'answered twice' })
    seen.add(q.id)
    const out: CleanAnswer = { questionId: q.id, score: null, choices: null, text: null }
    if (q.kind === 'rating' || q.kind === 'recommend') {
      const { min, max } = SCALE[q.kind]
      if (a.score === undefined || a.score === null) return
      if (!Number.isInteger(a.score) || a.score < min || a.score > max)
        return issues.push({ path: at('score'), message: `a whole number from ${min} to ${max}` })
      out.score = a.score
    } else if (q.kind === 'single' || q.kind === 'multiple') {
      const picked = a.choices ?? []
      if (picked.length === 0) return
      const n = q.options?.length ?? 0
      if (picked.some((c) => !Number.isInteger(c) || c < 0 || c >= n))
        return issues.push({ path: at('choices'), message: `options are numbered 0 to ${n - 1}` })
      if (new Set(picked).size !== picked.length)
        return issues.push({ path: at('choices'), message: 'an option twice' })
      if (q.kind === 'single' && picked.length > 1) return issues.push({ path: at('choices'), message: 'choose one' })
      out.choices = [...picked].sort((x, y) => x - y)
    } else {
      const text = (a.text ?? '').trim()
      if (!text) return
      if (text.length > MAX_COMMENT_CHARS)
        return issues.push({ path: at('text'), message: `at most ${MAX_COMMENT_CHARS} characters` })
      out.text = text
    }
    clean.push(out)
  })
  questions.forEach((q, i) => {
    if (q.required && !clean.some((a) => a.questionId === q.id) && !issues.length)
      issues.push({ path: 'answers', message: `question ${i + 1} needs an answer` })
  })
  if (!clean.length && !issues.length) issues.push({ path: 'answers', message: 'answer at least one question' })
  return { issues, answers: issues.length ? [] : clean }
}

/* ---- who reads the inbox ---- */

export interface InboxAccess {
  /** Only the ratings of visits this staff member served (null: all). */
  staffId: string | null
  /** Members' names and card numbers are shown. */
  names: boolean
  /** Survey answers are shown (they belong to no visit, so never to a cashier). */
  surveys: boolean
  canReply: boolean
}

/** Owners and managers read and answer everything; cashiers what the owner allowed, or nothing (null). */
export function inboxAccess(
  role: 'owner' | 'manager' | 'cashier' | 'pos' | 'customer',
  staffId: string | null,
  cashierAccess: CashierAccess,
): InboxAccess | null {
  if (role === 'owner' || role === 'manager') return { staffId: null, names: true, surveys: true, canReply: true }
  if (role !== 'cashier' || !staffId || cashierAccess === 'none') return null
  return { staffId, names: cashierAccess === 'own_named', surveys: false, canReply: false }
}
