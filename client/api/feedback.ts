/** Feedback (server/routes/feedback.ts): the member's questions, surveys and replies; the console's inbox, figures and surveys. */
import type { CreateSurvey, FeedbackSettingsDto, InboxQuery, SurveyAnswerBody } from '../../server/contract/feedback.js'
import { call, rpc, seg } from './client.js'

export type {
  CardFeedback,
  CreateSurvey,
  FeedbackReport,
  FeedbackSettingsDto,
  InboxItem,
  InboxPage,
  QuestionKind,
  SurveyDto,
  SurveyInvite,
  SurveyQuestionDto,
  SurveyResults,
} from '../../server/contract/feedback.js'
export type InboxFilters = Partial<Omit<InboxQuery, 'limit' | 'score'>> & { score?: string }

const card = (id: string) => ({ param: { id: seg(id) } })

export const feedbackApi = {
  /* the member */
  forCard: (cardId: string) => call(rpc.me.cards[':id'].feedback.$get(card(cardId))),
  rate: (cardId: string, body: { requestId: string; rating: number; comment?: string }) =>
    call(rpc.me.cards[':id'].feedback.rating.$post({ ...card(cardId), json: body })),
  answer: (cardId: string, body: SurveyAnswerBody) =>
    call(rpc.me.cards[':id'].feedback.survey.$post({ ...card(cardId), json: body })),
  dismiss: (cardId: string, requestId: string) =>
    call(rpc.me.cards[':id'].feedback.dismiss.$post({ ...card(cardId), json: { requestId } })),
  seen: (cardId: string, ids: string[]) =>
    call(rpc.me.cards[':id'].feedback.replies.seen.$post({ ...card(cardId), json: { ids } })),

  /* the console */
  settings: () => call(rpc.merchant.feedback.settings.$get()),
  saveSettings: (body: FeedbackSettingsDto) => call(rpc.merchant.feedback.settings.$put({ json: body })),
  options: () => call(rpc.merchant.feedback.options.$get()),
  inbox: (q: InboxFilters, limit = 30) =>
    call(rpc.merchant.feedback.inbox.$get({ query: { ...clean(q), limit: String(limit) } })),
  reply: (responseId: string, body: string) =>
    call(rpc.merchant.feedback.responses[':id'].replies.$post({ param: { id: seg(responseId) }, json: { body } })),
  report: (from: string, to: string) => call(rpc.merchant.feedback.report.$get({ query: { from, to } })),
  surveys: () => call(rpc.merchant.feedback.surveys.$get()),
  createSurvey: (body: CreateSurvey) => call(rpc.merchant.feedback.surveys.$post({ json: body })),
  survey: (id: string) => call(rpc.merchant.feedback.surveys[':id'].$get({ param: { id: seg(id) } })),
  closeSurvey: (id: string) => call(rpc.merchant.feedback.surveys[':id'].close.$post({ param: { id: seg(id) } })),
  /** Download links (the browser sends the session cookie). */
  ratingsCsvUrl: (from: string, to: string) =>
    rpc.merchant.feedback.exports['ratings.csv'].$path({ query: { from, to } }),
  answersCsvUrl: (from: string, to: string) =>
    rpc.merchant.feedback.exports['answers.csv'].$path({ query: { from, to } }),
}

/** Query values as strings, empty ones left out. */
function clean(q: InboxFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') out[k] = String(v)
  return out
}
