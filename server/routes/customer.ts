import { z } from 'zod'
import { CardDetail, HistoryPage, HistoryQuery, JoinRequest, JoinResponse, WalletCards } from '../contract/card.js'
import { ErrorBody, Slug } from '../contract/common.js'
import { MerchantPublic } from '../contract/merchant.js'
import { CUSTOMER_COOKIE, requireCustomer, setSessionCookie } from '../middleware/auth.js'
import type { AppEnv } from '../middleware/env.js'
import type { MiddlewareHandler } from 'hono'
import { joinProgram, merchantPublic } from '../services/members/join.js'
import { openSession } from '../services/members/sessions.js'
import { cardDetail, cardHistory, listWallet } from '../services/members/wallet.js'
import { E400, E401, E404, E429, createRoute, json, jsonBody, router } from './openapi.js'

/** Public merchant pages, joining, and the customer's own wallet. */
export const customerRoutes = (joinLimit: MiddlewareHandler<AppEnv>) =>
  router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchants/{slug}',
        tags: ['customer'],
        request: { params: z.object({ slug: Slug }) },
        responses: { 200: json(MerchantPublic, "The merchant's public branding"), ...E400, ...E404 },
      }),
      async (c) => c.json(await merchantPublic(c.var.deps, c.req.valid('param').slug), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/join',
        tags: ['customer'],
        middleware: [joinLimit] as const,
        request: { body: jsonBody(JoinRequest) },
        responses: {
          200: json(JoinResponse, 'Already a member: the existing card'),
          201: json(JoinResponse, 'Joined: a new card (and wallet session if there was none)'),
          ...E400,
          403: json(ErrorBody, 'business_suspended: the program is paused'),
          ...E404,
          409: json(ErrorBody, 'business_not_live: the business is still setting up'),
          410: json(ErrorBody, 'business_closed'),
          ...E429,
        },
      }),
      async (c) => {
        const deps = c.var.deps
        const res = await joinProgram(deps, c.req.valid('json'), c.var.customer?.customerId ?? null)
        if (res.newCustomer) {
          const s = await openSession(
            deps,
            { kind: 'customer', customerId: res.customerId },
            c.req.header('user-agent') ?? null,
          )
          setSessionCookie(c, CUSTOMER_COOKIE, s.token, s.expiresAt)
        }
        const body = { card: res.card, alreadyMember: res.alreadyMember }
        return res.alreadyMember ? c.json(body, 200) : c.json(body, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/cards',
        tags: ['customer'],
        middleware: [requireCustomer] as const,
        responses: { 200: json(WalletCards, 'The cards in this wallet'), ...E401 },
      }),
      async (c) => c.json({ cards: await listWallet(c.var.deps, c.var.customer!.customerId!) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/cards/{id}',
        tags: ['customer'],
        middleware: [requireCustomer] as const,
        request: { params: z.object({ id: z.string().max(64) }) },
        responses: { 200: json(CardDetail, 'One card and its history'), ...E401, ...E404 },
      }),
      async (c) => c.json(await cardDetail(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/cards/{id}/history',
        tags: ['customer'],
        summary: "A page of the card's history, newest first in posting order, back to the first entry",
        middleware: [requireCustomer] as const,
        request: { params: z.object({ id: z.string().max(64) }), query: HistoryQuery },
        responses: { 200: json(HistoryPage, 'Entries and where the next page starts'), ...E400, ...E401, ...E404 },
      }),
      async (c) =>
        c.json(
          await cardHistory(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id, c.req.valid('query')),
          200,
        ),
    )
