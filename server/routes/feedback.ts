import { z } from 'zod'
import {
  AnswerResult,
  ANSWERS_CSV_COLUMNS,
  CardFeedback,
  FeedbackOptions,
  FeedbackReport,
  FeedbackSettingsDto,
  InboxPage,
  InboxQuery,
  RateVisitBody,
  RATINGS_CSV_COLUMNS,
  ReplyBody,
  ReportQuery,
  RequestRef,
  SurveyAnswerBody,
} from '../contract/feedback.js'
import { ExportRange } from '../contract/reports.js'
import { requireCustomer, requireStaff } from '../middleware/auth.js'
import { answersExport, ratingsExport } from '../services/feedback/exports.js'
import { feedbackOptions, inbox, replyTo } from '../services/feedback/inbox.js'
import { feedbackReport } from '../services/feedback/report.js'
import { getFeedbackSettings, updateFeedbackSettings } from '../services/feedback/settings.js'
import { answerSurvey } from '../services/feedback/survey-answers.js'
import { cardFeedback, dismissQuestion, rateVisit, repliesSeen } from '../services/feedback/visits.js'
import { surveyRoutes } from './feedback-surveys.js'
import { E400, E401, E403, E404, E409, E410, createRoute, json, jsonBody, router } from './openapi.js'
import { sendCsv } from './reports.js'

const CardParam = z.object({ id: z.string().max(64) })
const IdParam = z.object({ id: z.string().max(64) })
const anyStaff = requireStaff()
const ownerOrManager = requireStaff('owner', 'manager')
const csv = (description: string) => ({ content: { 'text/csv': { schema: z.string() } }, description })
const me = (c: { var: { customer: { customerId: string | null } | null } }) => c.var.customer!.customerId!

/**
 * Feedback (issue 21): the member answers visit questions and surveys on the card and reads
 * replies; staff read the inbox (cashiers only if the owner allowed it), reply, see the figures,
 * export CSV and run surveys (feedback-surveys.ts).
 */
export const feedbackRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/cards/{id}/feedback',
      tags: ['customer'],
      summary: 'The open visit question, a survey to answer and unread replies (a due visit question is made here)',
      middleware: [requireCustomer] as const,
      request: { params: CardParam },
      responses: { 200: json(CardFeedback, 'What the card asks and shows'), ...E401, ...E404 },
    }),
    async (c) => c.json(await cardFeedback(c.var.deps, me(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/cards/{id}/feedback/rating',
      tags: ['customer'],
      middleware: [requireCustomer] as const,
      request: { params: CardParam, body: jsonBody(RateVisitBody) },
      responses: {
        201: json(AnswerResult, 'Rated'),
        ...E400,
        ...E401,
        ...E404,
        ...E409,
        ...E410,
      },
    }),
    async (c) => c.json(await rateVisit(c.var.deps, me(c), c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/cards/{id}/feedback/survey',
      tags: ['customer'],
      summary: 'Answers a survey; its thank-you points are posted once',
      middleware: [requireCustomer] as const,
      request: { params: CardParam, body: jsonBody(SurveyAnswerBody) },
      responses: { 201: json(AnswerResult, 'Answered'), ...E400, ...E401, ...E404, ...E409, ...E410 },
    }),
    async (c) => c.json(await answerSurvey(c.var.deps, me(c), c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/cards/{id}/feedback/dismiss',
      tags: ['customer'],
      summary: '"Not now": closes a question without an answer',
      middleware: [requireCustomer] as const,
      request: { params: CardParam, body: jsonBody(RequestRef) },
      responses: { 204: { description: 'Closed' }, ...E400, ...E401, ...E404 },
    }),
    async (c) => {
      await dismissQuestion(c.var.deps, me(c), c.req.valid('param').id, c.req.valid('json').requestId)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/cards/{id}/feedback/replies/seen',
      tags: ['customer'],
      middleware: [requireCustomer] as const,
      request: { params: CardParam, body: jsonBody(z.object({ ids: z.array(z.string().max(64)).max(20) })) },
      responses: { 204: { description: 'No longer shown on the card' }, ...E400, ...E401, ...E404 },
    }),
    async (c) => {
      await repliesSeen(c.var.deps, me(c), c.req.valid('param').id, c.req.valid('json').ids)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/feedback/settings',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(FeedbackSettingsDto, 'Visit questions, their period and push delay, cashier access'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await getFeedbackSettings(c.var.deps, c.var.actor.merchantId), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/feedback/settings',
      tags: ['merchant'],
      summary: 'Owners only: they decide what cashiers may read',
      middleware: [requireStaff('owner')] as const,
      request: { body: jsonBody(FeedbackSettingsDto) },
      responses: { 200: json(FeedbackSettingsDto, 'Saved'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await updateFeedbackSettings(c.var.deps, c.var.actor.merchantId, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/feedback/options',
      tags: ['merchant'],
      summary: "The inbox's filters (staff, locations) and what this reader may do",
      middleware: [anyStaff] as const,
      responses: { 200: json(FeedbackOptions, 'Filters and rights'), ...E401, ...E403 },
    }),
    async (c) => c.json(await feedbackOptions(c.var.deps, c.var.actor), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/feedback/inbox',
      tags: ['merchant'],
      summary:
        'Ratings and survey answers, newest first; a cashier reads their own visits only if the owner allowed it',
      middleware: [anyStaff] as const,
      request: { query: InboxQuery },
      responses: { 200: json(InboxPage, 'One page'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await inbox(c.var.deps, c.var.actor, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/feedback/responses/{id}/replies',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { params: IdParam, body: jsonBody(ReplyBody) },
      responses: {
        201: json(z.object({ id: z.string(), body: z.string(), createdAt: z.string(), staffName: z.string() }), 'Sent'),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
        ...E410,
      },
    }),
    async (c) => c.json(await replyTo(c.var.deps, c.var.actor, c.req.valid('param').id, c.req.valid('json').body), 201),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/feedback/report',
      tags: ['merchant'],
      summary: 'Average rating and recommend score with 95% intervals, by month, location, staff, segment; come-back',
      middleware: [ownerOrManager] as const,
      request: { query: ReportQuery },
      responses: { 200: json(FeedbackReport, 'The figures for the dates'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await feedbackReport(c.var.deps, c.var.actor.merchantId, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/feedback/exports/ratings.csv',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { query: ExportRange },
      responses: { 200: csv(`Columns: ${RATINGS_CSV_COLUMNS.join(', ')}`), ...E400, ...E401, ...E403 },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { filename, rows } = await ratingsExport(c.var.deps, c.var.actor.merchantId, q.from, q.to)
      return sendCsv(c, filename, rows)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/feedback/exports/answers.csv',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { query: ExportRange },
      responses: { 200: csv(`Columns: ${ANSWERS_CSV_COLUMNS.join(', ')}`), ...E400, ...E401, ...E403 },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { filename, rows } = await answersExport(c.var.deps, c.var.actor.merchantId, q.from, q.to)
      return sendCsv(c, filename, rows)
    },
  )
  .route('/', surveyRoutes)
