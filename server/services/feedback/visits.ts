import type { CardFeedback } from '../../contract/feedback.js'
import { writeTx, type Db } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import { emitEvent } from '../webhooks/events.js'
import {
  closeRequest,
  insertRequests,
  insertResponse,
  lastAskedVisit,
  latestVisit,
  markRepliesSeen,
  openSurveyInvite,
  openVisitQuestion,
  requestById,
  requestForEntry,
  surveyQuestions,
  takeAskSlot,
  unseenReplies,
  type VisitRow,
} from '../../db/queries/feedback.js'
import { DomainError } from '../../domain/errors.js'
import {
  askedBefore,
  HOUR_MS,
  LOW_RATING_MAX,
  VISIT_QUESTION_TTL_HOURS,
  visitQuestionDue,
  visitQuestionExpiresAt,
  type FeedbackSettings,
} from '../../domain/feedback.js'
import { newId } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'
import { alertOwnersOfLowRating } from './owner-alert.js'
import { loadFeedbackSettings } from './settings.js'
import { addressedQuestion, memberCard, toQuestionDto } from './questions.js'

/*
 * Visit questions. A question is made for the card's latest visit at the till (an award or a stamp)
 * when the card first looks after it, or when the automation (jobs.ts) finds it for a member who
 * wants the question by push; never in the award's transaction, so the till's write path is untouched.
 */

/** Makes the question about `visit` if one is due (in the caller's transaction); its id, or null. */
export async function ensureVisitQuestion(
  tx: Db,
  visit: VisitRow,
  merchantId: string,
  settings: FeedbackSettings,
  now: Date,
): Promise<string | null> {
  if (!settings.visitQuestions) return null
  const last = await lastAskedVisit(tx, visit.card_id)
  if (!visitQuestionDue({ visitAt: visit.visit_at, lastAskedVisitAt: last, periodDays: settings.periodDays, now }))
    return null
  // The conditional upsert is the guard: two visits inside the period never both get a question.
  const slot = { card_id: visit.card_id, merchant_id: merchantId, last_visit_at: visit.visit_at }
  if (!(await takeAskSlot(tx, slot, askedBefore(visit.visit_at, settings.periodDays)))) return null
  const id = newId()
  const made = await insertRequests(tx, [
    {
      id,
      merchant_id: merchantId,
      card_id: visit.card_id,
      kind: 'visit',
      survey_id: null,
      round: null,
      entry_id: visit.entry_id,
      entry_kind: visit.entry_kind,
      staff_id: visit.staff_id,
      location_id: visit.location_id,
      visit_at: visit.visit_at,
      created_at: now.toISOString(),
      expires_at: visitQuestionExpiresAt(visit.visit_at),
      state: 'open',
      answered_at: null,
      nudged_at: null,
    },
  ])
  return made ? id : null
}

/** What the card shows: the open visit question, a survey to answer, and replies not yet read. */
export async function cardFeedback(deps: Deps, customerId: string, cardId: string): Promise<CardFeedback> {
  const card = await memberCard(deps.db, customerId, cardId)
  const now = deps.clock.now()
  const at = now.toISOString()
  const settings = await loadFeedbackSettings(deps.db, card.merchant_id)
  if (settings.visitQuestions) {
    const since = new Date(now.getTime() - VISIT_QUESTION_TTL_HOURS * HOUR_MS).toISOString()
    const visit = await latestVisit(deps.db, card.id, since)
    // Reads first: the card polls, and nearly every poll finds nothing to write.
    if (
      visit &&
      !(await requestForEntry(deps.db, card.id, visit.entry_id)) &&
      visitQuestionDue({
        visitAt: visit.visit_at,
        lastAskedVisitAt: await lastAskedVisit(deps.db, card.id),
        periodDays: settings.periodDays,
        now,
      })
    )
      await writeTx(deps.db, (tx) => ensureVisitQuestion(tx, visit, card.merchant_id, settings, now))
  }
  const [question, invite, replies] = await Promise.all([
    openVisitQuestion(deps.db, card.id, at),
    openSurveyInvite(deps.db, card.id, at),
    unseenReplies(deps.db, card.id),
  ])
  const questions = invite ? await surveyQuestions(deps.db, [invite.survey_id]) : []
  return {
    question: question ? { id: question.id, visitAt: question.visit_at!, expiresAt: question.expires_at } : null,
    survey: invite
      ? {
          id: invite.id,
          surveyId: invite.survey_id,
          title: invite.title,
          intro: invite.intro,
          thanksPoints: invite.thanks_points,
          expiresAt: invite.expires_at,
          questions: questions.map(toQuestionDto),
        }
      : null,
    replies: replies.map((r) => ({
      id: r.id,
      body: r.body,
      createdAt: r.created_at,
      rating: r.rating,
      comment: r.comment,
      surveyTitle: r.survey_title,
    })),
  }
}

/** The member rates the visit (1-5) with an optional comment; a 1 or 2 reaches the owner's phone at once. */
export async function rateVisit(
  deps: Deps,
  customerId: string,
  cardId: string,
  body: { requestId: string; rating: number; comment?: string | undefined },
) {
  const card = await memberCard(deps.db, customerId, cardId)
  const at = deps.clock.now().toISOString()
  const comment = body.comment?.trim() || null
  const responseId = await writeTx(deps.db, async (tx) => {
    const q = await addressedQuestion(tx, card.id, body.requestId, 'visit', at)
    const id = newId()
    await insertResponse(tx, {
      id,
      merchant_id: card.merchant_id,
      request_id: q.id,
      card_id: card.id,
      kind: 'visit',
      survey_id: null,
      round: null,
      rating: body.rating,
      comment,
      has_comment: comment ? 1 : 0,
      staff_id: q.staff_id,
      location_id: q.location_id,
      visit_at: q.visit_at,
      thanks_entry_id: null,
      incentivised: 0,
      alerted_at: null,
      created_at: at,
    })
    await emitEvent(
      tx,
      card.merchant_id,
      'feedback.received',
      async () => ({
        cardId: card.id,
        cardNumber: (await cardById(tx, card.id))?.card_number ?? null,
        responseId: id,
        kind: 'visit',
        surveyId: null,
        rating: body.rating,
      }),
      deps.clock.now(),
    )
    return id
  })
  if (body.rating <= LOW_RATING_MAX) alertOwnersOfLowRating(deps, card.merchant_id, responseId, body.rating, comment)
  return { responseId, thanksPoints: 0, balance: null }
}

/** "Not now": the question (visit or survey) is closed without an answer and not asked again. */
export async function dismissQuestion(deps: Deps, customerId: string, cardId: string, requestId: string) {
  const card = await memberCard(deps.db, customerId, cardId)
  const at = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    const q = await requestById(tx, requestId)
    if (!q || q.card_id !== card.id)
      throw new DomainError('not_found', 'There is no such question for this card.', [
        { path: 'requestId', message: 'not a question addressed to you' },
      ])
    await closeRequest(tx, q.id, 'dismissed', at)
  })
}

export async function repliesSeen(deps: Deps, customerId: string, cardId: string, ids: string[]) {
  const card = await memberCard(deps.db, customerId, cardId)
  if (ids.length) await writeTx(deps.db, (tx) => markRepliesSeen(tx, card.id, ids, deps.clock.now().toISOString()))
}
