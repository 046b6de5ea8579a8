import type { SurveyQuestionDto } from '../../contract/feedback.js'
import type { Db } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import { closeRequest, requestById } from '../../db/queries/feedback.js'
import type { FeedbackSurveyQuestionTable } from '../../db/schema-feedback.js'
import { DomainError } from '../../domain/errors.js'

/* What answering a visit question and a survey share: the member's card, the question's address. */

/** The member's own open card, or card_not_found. */
export async function memberCard(db: Db, customerId: string, cardId: string) {
  const card = await cardById(db, cardId)
  if (!card || card.customer_id !== customerId || card.closed_at)
    throw new DomainError('card_not_found', 'This card is not in your wallet.')
  return card
}

/** The question, if it is addressed to this card; otherwise a refusal that names the field. */
export async function addressedQuestion(
  tx: Db,
  cardId: string,
  requestId: string,
  kind: 'visit' | 'survey',
  now: string,
) {
  const q = await requestById(tx, requestId)
  const field = (message: string) => [{ path: 'requestId', message }]
  if (!q || q.card_id !== cardId || q.kind !== kind)
    throw new DomainError(
      'not_found',
      'There is no such question for this card.',
      field('not a question addressed to you'),
    )
  if (q.state !== 'open')
    throw new DomainError('already_answered', 'This question was already answered.', field('answered'))
  if (q.expires_at <= now) throw new DomainError('question_expired', 'This question has expired.', field('expired'))
  if (!(await closeRequest(tx, q.id, 'answered', now)))
    throw new DomainError('already_answered', 'This question was already answered.', field('answered'))
  return q
}

export const toQuestionDto = (q: FeedbackSurveyQuestionTable): SurveyQuestionDto => ({
  id: q.id,
  kind: q.kind,
  prompt: q.prompt,
  options: q.options ? (JSON.parse(q.options) as string[]) : null,
  required: q.required === 1,
})
