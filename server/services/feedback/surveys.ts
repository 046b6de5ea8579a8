import type { CreateSurvey, SurveyDto, SurveyResults } from '../../contract/feedback.js'
import { fill, messagesFor } from '../../domain/i18n/index.js'
import type { SegmentName } from '../../contract/insights.js'
import { writeTx } from '../../db/connection.js'
import {
  activeSurveys,
  addInvited,
  answeredPerRound,
  answersOfSurvey,
  closeSurvey,
  insertRound,
  insertSurvey,
  insertSurveyQuestions,
  responseCounts,
  roundExists,
  roundsOf,
  surveyOf,
  surveysOf,
} from '../../db/queries/feedback-console.js'
import { insertRequests, optedInCards, surveyQuestions } from '../../db/queries/feedback.js'
import { openCardsOf } from '../../db/queries/insights.js'
import type { FeedbackSurveyTable } from '../../db/schema-feedback.js'
import { DomainError } from '../../domain/errors.js'
import { currentRound } from '../../domain/feedback.js'
import { meanWithInterval, recommendScore } from '../../domain/feedback-stats.js'
import { newId } from '../../domain/ids.js'
import type { Actor, Deps } from '../common/deps.js'
import { segmentCardIds } from '../insights/dashboard.js'
import { queueNotification } from '../push/queue.js'
import { toQuestionDto } from './questions.js'

/*
 * Surveys: up to five questions, for all members or a segment, once or every quarter. Each round
 * is opened once (feedback_survey_rounds is the key): the members of the segment at that moment are
 * invited in one transaction, and those who switched feedback pushes on are told by push.
 */

const INVITE_CHUNK = 400
const TEXTS_SHOWN = 50

export async function createSurvey(deps: Deps, actor: Actor, body: CreateSurvey): Promise<SurveyDto> {
  const now = deps.clock.now()
  const id = newId()
  const at = now.toISOString()
  await writeTx(deps.db, async (tx) => {
    await insertSurvey(tx, {
      id,
      merchant_id: actor.merchantId,
      title: body.title,
      intro: body.intro ?? '',
      segment: body.segment ?? 'all',
      schedule: body.schedule ?? 'once',
      starts_at: body.startsAt ? new Date(body.startsAt).toISOString() : at,
      thanks_points: body.thanksPoints ?? 0,
      state: 'active',
      created_by: actor.staffId,
      created_at: at,
      closed_at: null,
    })
    await insertSurveyQuestions(
      tx,
      body.questions.map((q, i) => ({
        id: newId(),
        survey_id: id,
        position: i,
        kind: q.kind,
        prompt: q.prompt,
        options: q.options ? JSON.stringify(q.options) : null,
        required: q.required ? 1 : 0,
      })),
    )
  })
  // Starting now: the first round opens with this request, not up to five minutes later.
  await openSurveyRounds(deps, id)
  return (await listSurveys(deps, actor.merchantId, id))[0]!
}

/** Opens each active survey's current round, once; `onlyId` limits it to one survey. Returns rounds opened. */
export async function openSurveyRounds(deps: Deps, onlyId?: string): Promise<number> {
  const now = deps.clock.now()
  let opened = 0
  for (const s of await activeSurveys(deps.db)) {
    if (onlyId && s.id !== onlyId) continue
    const round = currentRound(s.starts_at, s.schedule, now)
    if (!round || (await roundExists(deps.db, s.id, round.round))) continue
    let cards = (await openCardsOf(deps.db, s.merchant_id)).map((c) => c.id)
    if (s.segment !== 'all') {
      const inSegment = await segmentCardIds(deps, s.merchant_id, s.segment as SegmentName)
      cards = cards.filter((id) => inSegment.has(id))
    }
    const pushTo = await optedInCards(deps.db, s.merchant_id)
    // One transaction: a round is opened with all its invitations, or not at all.
    const done = await writeTx(deps.db, async (tx) => {
      const at = now.toISOString()
      if (!(await insertRound(tx, { survey_id: s.id, ...roundRow(round), invited: 0, created_at: at }))) return false
      let invited = 0
      for (let i = 0; i < cards.length; i += INVITE_CHUNK) {
        invited += await insertRequests(
          tx,
          cards.slice(i, i + INVITE_CHUNK).map((cardId) => ({
            id: newId(),
            merchant_id: s.merchant_id,
            card_id: cardId,
            kind: 'survey' as const,
            survey_id: s.id,
            round: round.round,
            entry_id: null,
            entry_kind: null,
            staff_id: null,
            location_id: null,
            visit_at: null,
            created_at: at,
            expires_at: round.closesAt,
            state: 'open' as const,
            answered_at: null,
            nudged_at: null,
          })),
        )
      }
      await addInvited(tx, s.id, round.round, invited)
      for (const cardId of cards) {
        if (!pushTo.has(cardId)) continue
        await queueNotification(
          tx,
          {
            cardId,
            kind: 'feedback_survey',
            title: s.title,
            body: s.thanks_points > 0 ? `A short survey: ${s.thanks_points} points to thank you.` : 'A short survey.',
            localized: (l) => {
              const m = messagesFor(l).push
              return {
                body:
                  s.thanks_points > 0 ? fill(m.surveyWithThanks, { n: s.thanks_points }, l, s.thanks_points) : m.survey,
              }
            },
            run: { kind: 'feedback_survey', period: `${s.id}:${round.round}` },
          },
          now,
        )
      }
      return true
    })
    if (done) opened++
  }
  return opened
}

const roundRow = (r: { round: number; opensAt: string; closesAt: string }) => ({
  round: r.round,
  opens_at: r.opensAt,
  closes_at: r.closesAt,
})

/** The merchant's surveys, newest first (or the one with `onlyId`), with questions and rounds. */
export async function listSurveys(deps: Deps, merchantId: string, onlyId?: string): Promise<SurveyDto[]> {
  const rows = (await surveysOf(deps.db, merchantId)).filter((s) => !onlyId || s.id === onlyId)
  const ids = rows.map((s) => s.id)
  const [questions, rounds, answered] = await Promise.all([
    surveyQuestions(deps.db, ids),
    roundsOf(deps.db, ids),
    answeredPerRound(deps.db, ids),
  ])
  const n = new Map(answered.map((a) => [`${a.survey_id}:${a.round}`, Number(a.n)]))
  return rows.map((s) => toSurveyDto(s, questions, rounds, n))
}

function toSurveyDto(
  s: FeedbackSurveyTable,
  questions: Awaited<ReturnType<typeof surveyQuestions>>,
  rounds: Awaited<ReturnType<typeof roundsOf>>,
  answered: Map<string, number>,
): SurveyDto {
  return {
    id: s.id,
    title: s.title,
    intro: s.intro,
    segment: s.segment as SurveyDto['segment'],
    schedule: s.schedule,
    startsAt: s.starts_at,
    thanksPoints: s.thanks_points,
    state: s.state,
    createdAt: s.created_at,
    questions: questions.filter((q) => q.survey_id === s.id).map(toQuestionDto),
    rounds: rounds
      .filter((r) => r.survey_id === s.id)
      .map((r) => ({
        round: r.round,
        opensAt: r.opens_at,
        closesAt: r.closes_at,
        invited: r.invited,
        answered: answered.get(`${s.id}:${r.round}`) ?? 0,
      })),
  }
}

export async function closeSurveyOf(deps: Deps, merchantId: string, id: string): Promise<SurveyDto> {
  if (!(await surveyOf(deps.db, merchantId, id))) throw new DomainError('not_found', 'No such survey.')
  await writeTx(deps.db, (tx) => closeSurvey(tx, merchantId, id, deps.clock.now().toISOString()))
  return (await listSurveys(deps, merchantId, id))[0]!
}

/** Each question's answers: ratings and recommend scores with their intervals, choices as counts, texts. */
export async function surveyResults(deps: Deps, merchantId: string, id: string): Promise<SurveyResults> {
  const [survey] = await listSurveys(deps, merchantId, id)
  if (!survey) throw new DomainError('not_found', 'No such survey.')
  const [answers, counts] = await Promise.all([answersOfSurvey(deps.db, id), responseCounts(deps.db, id)])
  return {
    survey,
    responses: counts.n,
    incentivised: counts.incentivised,
    questions: survey.questions.map((q) => {
      const mine = answers.filter((a) => a.question_id === q.id)
      const scores = mine.flatMap((a) => (a.score === null ? [] : [a.score]))
      const picked = mine.flatMap((a) => (a.choices ? (JSON.parse(a.choices) as number[]) : []))
      return {
        id: q.id,
        kind: q.kind,
        prompt: q.prompt,
        answered: mine.length,
        rating: q.kind === 'rating' ? meanWithInterval(scores, 1, 5) : null,
        recommend: q.kind === 'recommend' ? recommendScore(scores) : null,
        counts: q.options ? q.options.map((option, i) => ({ option, n: picked.filter((c) => c === i).length })) : null,
        texts:
          q.kind === 'text'
            ? mine
                .filter((a) => a.text)
                .slice(0, TEXTS_SHOWN)
                .map((a) => ({ text: a.text!, createdAt: a.created_at }))
            : null,
      }
    }),
  }
}
