import { z } from 'zod'
import {
  BusinessExport,
  BusinessIdParam,
  CreatedInvite,
  CreateInvite,
  OperatorBusiness,
  OperatorBusinesses,
  OperatorInvite,
  SuspendRequest,
} from '../contract/platform.js'
import { requireOperator } from '../middleware/auth.js'
import {
  closeBusiness,
  createBusinessInvite,
  exportBusiness,
  listBusinesses,
  listBusinessInvites,
  resumeBusiness,
  suspendBusiness,
} from '../services/platform/operator.js'
import { createRoute, E400, E401, E403, E404, E409, E410, json, jsonBody, router } from './openapi.js'

/** The operator console: businesses (counts only, never members), suspension, closing, sign-up invitations. */
export const operatorRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/operator/businesses',
      tags: ['operator'],
      middleware: [requireOperator] as const,
      responses: {
        200: json(OperatorBusinesses, 'Every business with members, activity and pushes (30 days) and status'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await listBusinesses(c.var.deps), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/operator/businesses/{id}/suspend',
      tags: ['operator'],
      summary: 'Suspends a business: no awards, redemptions, stamps, POS earns or pushes until resumed',
      middleware: [requireOperator] as const,
      request: { params: BusinessIdParam, body: jsonBody(SuspendRequest) },
      responses: { 200: json(OperatorBusiness, 'Suspended'), ...E400, ...E401, ...E403, ...E404, ...E410 },
    }),
    async (c) => c.json(await suspendBusiness(c.var.deps, c.req.valid('param').id, c.req.valid('json').reason), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/operator/businesses/{id}/resume',
      tags: ['operator'],
      middleware: [requireOperator] as const,
      request: { params: BusinessIdParam },
      responses: { 200: json(OperatorBusiness, 'Resumed'), ...E401, ...E403, ...E404, ...E410 },
    }),
    async (c) => c.json(await resumeBusiness(c.var.deps, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/operator/businesses/{id}/export',
      tags: ['operator'],
      summary:
        "The business's books for closing: settings, program, rewards, cards by number, ledger; no member's personal data",
      middleware: [requireOperator] as const,
      request: { params: BusinessIdParam },
      responses: { 200: json(BusinessExport, 'The export (recorded as made)'), ...E401, ...E403, ...E404 },
    }),
    async (c) => {
      const body = await exportBusiness(c.var.deps, c.req.valid('param').id)
      c.header(
        'Content-Disposition',
        `attachment; filename="${body.business.slug}-export-${body.exportedAt.slice(0, 10)}.json"`,
      )
      c.header('Cache-Control', 'no-store')
      return c.json(body, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/operator/businesses/{id}/close',
      tags: ['operator'],
      summary: 'Closes a business for good, after its data was exported; members keep their history',
      middleware: [requireOperator] as const,
      request: { params: BusinessIdParam },
      responses: { 200: json(OperatorBusiness, 'Closed'), ...E401, ...E403, ...E404, ...E409 },
    }),
    async (c) => c.json(await closeBusiness(c.var.deps, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/operator/invites',
      tags: ['operator'],
      middleware: [requireOperator] as const,
      responses: {
        200: json(z.object({ invites: z.array(OperatorInvite) }), 'The last 100 invitations'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json({ invites: await listBusinessInvites(c.var.deps) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/operator/invites',
      tags: ['operator'],
      summary: 'A single-use sign-up link for one business (14 days); the link is shown only in this answer',
      middleware: [requireOperator] as const,
      request: { body: jsonBody(CreateInvite) },
      responses: { 201: json(CreatedInvite, 'The invitation and its link'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await createBusinessInvite(c.var.deps, c.var.actor.staffId!, c.req.valid('json').note), 201),
  )
