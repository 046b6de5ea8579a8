import type { MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { ErrorBody, IdempotencyHeaders } from '../contract/common.js'
import {
  AdjustRequest,
  AwardResponse,
  EarnPreview,
  EarnPreviewRequest,
  EarnRequest,
  LoginRequest,
  QueuedScanRequest,
  QueuedScanResponse,
  ScanRequest,
  ScanResponse,
  StaffMe,
  UndoRequest,
} from '../contract/staff.js'
import { clearSessionCookie, requireStaff, setSessionCookie, STAFF_COOKIE } from '../middleware/auth.js'
import type { AppEnv } from '../middleware/env.js'
import { adjustAtTill, earnAtTill, undoAward } from '../services/till/award.js'
import { recordQueuedScan } from '../services/till/offline.js'
import { previewEarn } from '../services/till/quote.js'
import { scanCard } from '../services/till/scan.js'
import { endSession, openSession } from '../services/members/sessions.js'
import { checkStaffCredentials, staffMe } from '../services/console/staff-auth.js'
import { E400, E401, E403, E404, E409, E410, E422, E429, createRoute, json, jsonBody, router } from './openapi.js'

const award = (summary: string) => ({
  201: json(AwardResponse, `${summary}. A replay of the same Idempotency-Key and body returns the first answer`),
  ...E400,
  ...E401,
  ...E403,
  ...E404,
  ...E409,
  ...E410,
  ...E422,
})

/** Staff sign-in and the till: scan a card, then award, adjust or undo on the handle the scan gave. */
export const staffRoutes = (limits: { login: MiddlewareHandler<AppEnv>; scan: MiddlewareHandler<AppEnv> }) =>
  router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/login',
        tags: ['staff'],
        middleware: [limits.login] as const,
        request: { body: jsonBody(LoginRequest) },
        responses: { 200: json(StaffMe, 'Signed in'), ...E400, ...E401, ...E429 },
      }),
      async (c) => {
        const { email, password } = c.req.valid('json')
        const deps = c.var.deps
        const staffId = await checkStaffCredentials(deps, email, password)
        const s = await openSession(deps, { kind: 'staff', staffId }, c.req.header('user-agent') ?? null)
        setSessionCookie(c, STAFF_COOKIE, s.token, s.expiresAt)
        return c.json(await staffMe(deps, staffId), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/logout',
        tags: ['staff'],
        responses: { 204: { description: 'Signed out' } },
      }),
      async (c) => {
        const token = getCookie(c, STAFF_COOKIE)
        if (token) await endSession(c.var.deps, token)
        clearSessionCookie(c, STAFF_COOKIE)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/staff/me',
        tags: ['staff'],
        middleware: [requireStaff()] as const,
        responses: { 200: json(StaffMe, 'The signed-in staff member'), ...E401 },
      }),
      async (c) => c.json(await staffMe(c.var.deps, c.var.actor.staffId!), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/scan',
        tags: ['till'],
        middleware: [requireStaff(), limits.scan] as const,
        request: { body: jsonBody(ScanRequest) },
        responses: {
          200: json(ScanResponse, 'The card, and a short-lived handle for the operations that follow'),
          ...E400,
          ...E401,
          ...E409,
          410: json(ErrorBody, 'card_closed: the card was merged into another or its member deleted the account'),
          ...E429,
        },
      }),
      async (c) => {
        const a = c.var.actor
        return c.json(
          await scanCard(
            c.var.deps,
            { id: a.staffId!, merchantId: a.merchantId, role: a.role },
            c.req.valid('json').code,
          ),
          200,
        )
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/earn',
        tags: ['till'],
        middleware: [requireStaff()] as const,
        request: { headers: IdempotencyHeaders, body: jsonBody(EarnRequest) },
        responses: award('Points for a purchase'),
      }),
      async (c) => {
        const r = await earnAtTill(
          c.var.deps,
          c.var.actor,
          c.req.valid('json'),
          c.req.valid('header')['idempotency-key'],
        )
        return c.json(r.body, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/adjust',
        tags: ['till'],
        middleware: [requireStaff('owner', 'manager')] as const,
        request: { headers: IdempotencyHeaders, body: jsonBody(AdjustRequest) },
        responses: award('A manual adjustment with a reason (owner and manager)'),
      }),
      async (c) => {
        const r = await adjustAtTill(
          c.var.deps,
          c.var.actor,
          c.req.valid('json'),
          c.req.valid('header')['idempotency-key'],
        )
        return c.json(r.body, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/undo',
        tags: ['till'],
        middleware: [requireStaff()] as const,
        request: { headers: IdempotencyHeaders, body: jsonBody(UndoRequest) },
        responses: award('A reversal of a recent award (within 10 minutes)'),
      }),
      async (c) => {
        const r = await undoAward(
          c.var.deps,
          c.var.actor,
          c.req.valid('json'),
          c.req.valid('header')['idempotency-key'],
        )
        return c.json(r.body, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/earn/preview',
        tags: ['till'],
        summary: 'What /staff/earn would award for this purchase, with where the points come from; writes nothing',
        middleware: [requireStaff()] as const,
        request: { body: jsonBody(EarnPreviewRequest) },
        responses: { 200: json(EarnPreview, 'The points and their breakdown'), ...E400, ...E401, ...E410 },
      }),
      async (c) => c.json(await previewEarn(c.var.deps, c.var.actor, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/queued-scans',
        tags: ['till'],
        summary:
          'A scan the till recorded offline (an award or a stamp), sent when the network returned. Accepted only ' +
          'if the code was valid at its capture time, that time is plausible (not ahead, at most 12 hours old) ' +
          'and the code was not used since',
        middleware: [requireStaff(), limits.scan] as const,
        request: { headers: IdempotencyHeaders, body: jsonBody(QueuedScanRequest) },
        responses: {
          201: json(
            QueuedScanResponse,
            'Recorded. A replay of the same Idempotency-Key and body returns the first answer',
          ),
          ...E400,
          ...E401,
          ...E409,
          ...E410,
          ...E422,
          ...E429,
        },
      }),
      async (c) =>
        c.json(
          await recordQueuedScan(
            c.var.deps,
            c.var.actor,
            c.req.valid('json'),
            c.req.valid('header')['idempotency-key'],
          ),
          201,
        ),
    )
