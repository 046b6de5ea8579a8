import { z } from 'zod'
import { CreateSurvey, SurveyDto, SurveyResults } from '../contract/feedback.js'
import { requireStaff } from '../middleware/auth.js'
import { closeSurveyOf, createSurvey, listSurveys, surveyResults } from '../services/feedback/surveys.js'
import { E400, E401, E403, E404, createRoute, json, jsonBody, router } from './openapi.js'

const ownerOrManager = requireStaff('owner', 'manager')
const IdParam = z.object({ id: z.string().max(64) })

/** Surveys (owners and managers): write one, target all members or a segment, once or every quarter; results. */
export const surveyRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/feedback/surveys',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: { 200: json(z.object({ surveys: z.array(SurveyDto) }), 'Newest first'), ...E401, ...E403 },
    }),
    async (c) => c.json({ surveys: await listSurveys(c.var.deps, c.var.actor.merchantId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/feedback/surveys',
      tags: ['merchant'],
      summary: 'Creates a survey; a round due now opens at once (its members are invited)',
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(CreateSurvey) },
      responses: { 201: json(SurveyDto, 'Created'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await createSurvey(c.var.deps, c.var.actor, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/feedback/surveys/{id}',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { params: IdParam },
      responses: { 200: json(SurveyResults, 'The survey and its results'), ...E401, ...E403, ...E404 },
    }),
    async (c) => c.json(await surveyResults(c.var.deps, c.var.actor.merchantId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/feedback/surveys/{id}/close',
      tags: ['merchant'],
      summary: 'Stops a survey: no more rounds, open invitations are withdrawn',
      middleware: [ownerOrManager] as const,
      request: { params: IdParam },
      responses: { 200: json(SurveyDto, 'Closed'), ...E400, ...E401, ...E403, ...E404 },
    }),
    async (c) => c.json(await closeSurveyOf(c.var.deps, c.var.actor.merchantId, c.req.valid('param').id), 200),
  )
