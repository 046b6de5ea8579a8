import { z } from 'zod'
import { ApiKeySummary, CreateApiKey, CreatedApiKey, CreateSignupLink, SignupLink } from '../contract/merchant.js'
import { requireStaff } from '../middleware/auth.js'
import {
  createApiKey,
  createSignupLink,
  listApiKeys,
  listSignupLinks,
  revokeKey,
} from '../services/console/keys-and-links.js'
import { E400, E401, E403, E404, createRoute, json, jsonBody, router } from './openapi.js'

const owner = requireStaff('owner')
const ownerOrManager = requireStaff('owner', 'manager')

/** The merchant console: POS API keys (owner) and signup links (owner, manager). */
export const merchantRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/api-keys',
      tags: ['merchant'],
      middleware: [owner] as const,
      responses: {
        200: json(z.object({ keys: z.array(ApiKeySummary) }), 'API keys, without their secrets'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json({ keys: await listApiKeys(c.var.deps, c.var.actor.merchantId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/api-keys',
      tags: ['merchant'],
      middleware: [owner] as const,
      request: { body: jsonBody(CreateApiKey) },
      responses: {
        201: json(CreatedApiKey, 'The new key; its secret is shown only in this answer'),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
      },
    }),
    async (c) => {
      const a = c.var.actor
      return c.json(
        await createApiKey(
          c.var.deps,
          { id: a.staffId!, merchantId: a.merchantId },
          c.req.valid('json').name,
          c.req.valid('json').locationId ?? null,
        ),
        201,
      )
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/merchant/api-keys/{id}',
      tags: ['merchant'],
      middleware: [owner] as const,
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: { 204: { description: 'Revoked' }, ...E401, ...E403, ...E404 },
    }),
    async (c) => {
      await revokeKey(c.var.deps, c.var.actor.merchantId, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/signup-links',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(z.object({ links: z.array(SignupLink) }), 'Signup links with how many joined through each'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json({ links: await listSignupLinks(c.var.deps, c.var.actor.merchantId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/signup-links',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(CreateSignupLink) },
      responses: { 201: json(SignupLink, 'The new link'), ...E400, ...E401, ...E403, ...E404 },
    }),
    async (c) => {
      const { campaign, locationId } = c.req.valid('json')
      return c.json(await createSignupLink(c.var.deps, c.var.actor.merchantId, campaign, locationId ?? null), 201)
    },
  )
