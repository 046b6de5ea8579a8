import type { SurveyAnswerBody } from '../../contract/feedback.js'
import { writeTx } from '../../db/connection.js'
import { emitEvent } from '../webhooks/events.js'
import { cardById } from '../../db/queries/cards.js'
import { surveyOf } from '../../db/queries/feedback-console.js'
import {
  insertAnswers,
  insertResponse,
  requestById,
  setThanksEntry,
  surveyQuestions,
} from '../../db/queries/feedback.js'
import { DomainError } from '../../domain/errors.js'
import { checkSurveyAnswers } from '../../domain/feedback.js'
import { lotExpiry } from '../../domain/expiry.js'
import { newId } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'
import { programContext, systemActor } from '../program/engine.js'
import { postEntry } from '../program/post-entry.js'
import { upgradeIfQualified } from '../program/tiers.js'
import { addressedQuestion, memberCard } from './questions.js'

/**
 * A member answers a survey round they were invited to. The answers are checked against the
 * survey's questions before anything is written (each problem names its field); then, in one
 * transaction, the invitation is closed by one conditional update, the answers are stored, and the
 * thank-you points (if the survey offers them) are posted through the ledger with their reason.
 * Closing the invitation is what makes the thank-you once per member and round: a retry, or a
 * second device, finds it answered and writes nothing.
 */
export async function answerSurvey(deps: Deps, customerId: string, cardId: string, body: SurveyAnswerBody) {
  const card = await memberCard(deps.db, customerId, cardId)
  const now = deps.clock.now()
  const at = now.toISOString()
  const invite = await requestById(deps.db, body.requestId)
  if (!invite || invite.card_id !== card.id || invite.kind !== 'survey' || !invite.survey_id)
    throw new DomainError('not_found', 'There is no such question for this card.', [
      { path: 'requestId', message: 'not a question addressed to you' },
    ])
  const survey = (await surveyOf(deps.db, card.merchant_id, invite.survey_id))!
  if (survey.state !== 'active')
    throw new DomainError('question_expired', 'This survey has closed.', [{ path: 'requestId', message: 'closed' }])
  const questions = await surveyQuestions(deps.db, [survey.id])
  const checked = checkSurveyAnswers(
    questions.map((q) => ({
      id: q.id,
      kind: q.kind,
      options: q.options ? (JSON.parse(q.options) as string[]) : null,
      required: q.required === 1,
    })),
    body.answers,
  )
  const first = checked.issues[0]
  if (first) throw new DomainError('validation_failed', `${first.path}: ${first.message}`, checked.issues)

  return writeTx(deps.db, async (tx) => {
    const q = await addressedQuestion(tx, card.id, body.requestId, 'survey', at)
    const id = newId()
    const thanks = survey.thanks_points
    await insertResponse(tx, {
      id,
      merchant_id: card.merchant_id,
      request_id: q.id,
      card_id: card.id,
      kind: 'survey',
      survey_id: survey.id,
      round: q.round,
      rating: null,
      comment: null,
      has_comment: checked.answers.some((a) => a.text) ? 1 : 0,
      staff_id: null,
      location_id: null,
      visit_at: null,
      thanks_entry_id: null,
      incentivised: thanks > 0 ? 1 : 0,
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
        kind: 'survey',
        surveyId: survey.id,
        rating: null,
      }),
      deps.clock.now(),
    )
    await insertAnswers(
      tx,
      checked.answers.map((a) => ({
        id: newId(),
        response_id: id,
        merchant_id: card.merchant_id,
        survey_id: survey.id,
        question_id: a.questionId,
        card_id: card.id,
        score: a.score,
        choices: a.choices ? JSON.stringify(a.choices) : null,
        text: a.text,
        created_at: at,
      })),
    )
    if (thanks <= 0) return { responseId: id, thanksPoints: 0, balance: null }
    const ctx = await programContext(tx, card.merchant_id, now)
    const posted = await postEntry(
      tx,
      (await cardById(tx, card.id))!,
      systemActor(card.merchant_id),
      {
        kind: 'bonus',
        points: thanks,
        reason: `Thank you for answering "${survey.title}"`,
        why: { code: 'survey', params: { title: survey.title } },
        programVersion: ctx.version,
        lotExpiresAt: lotExpiry(now, ctx.rules.expiry, ctx.merchant.timezone),
      },
      null,
      now,
    )
    await setThanksEntry(tx, id, posted.body.entry.id)
    await upgradeIfQualified(tx, card.id, ctx, now)
    return { responseId: id, thanksPoints: thanks, balance: posted.body.balance }
  })
}
