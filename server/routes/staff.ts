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
  PasswordResetConfirm,
  PasswordResetRequest,
  QueuedScanRequest,
  QueuedScanResponse,
  ScanRequest,
  ScanResponse,
  StaffMe,
  UndoRequest,
} from '../contract/staff.js'
import { clearSessionCookie, requireStaff, setSessionCookie, STAFF_COOKIE } from '../middleware/auth.js'
import type { AppEnv } from '../middleware/env.js'
import { clientAddress } from '../middleware/security.js'
import { confirmPasswordReset, requestPasswordReset } from '../services/console/password-reset.js'
import { adjustAtTill, earnAtTill, undoAward } from '../services/till/award.js'
import { recordQueuedScan } from '../services/till/offline.js'
import { previewEarn } from '../services/till/quote.js'
import { scanCard } from '../services/till/scan.js'
import { endSession, openSession } from '../services/members/sessions.js'
import { checkStaffCredentials, staffMe } from '../services/console/staff-auth.js'
import { E400, E401, E403, E404, E409, E410, E422, E429, createRoute, json, jsonBody, router } from './openapi.js'
import { z } from 'zod'

const award = (summary: string) => ({
  201: json(AwardResponse, `${summary}. A replay of the same Idempotency-Key and body returns the first answer`),
  ...E400,
  ...E401,
  // forbidden (role), business_suspended
  ...E403,
  ...E404,
  ...E409,
  ...E410,
  ...E422,
})

/**
 * Staff sign-in and the till: scan a card, then award, adjust or undo on the handle the scan gave.
 * Sign-in is throttled per account and address in the database (growing delays, see
 * services/console/login-throttle.ts) rather than by a per-address limit that would lock out a
 * whole shop on one Wi-Fi; the reset-link request has the per-address limit.
 */
export const staffRoutes = (limits: { reset: MiddlewareHandler<AppEnv>; scan: MiddlewareHandler<AppEnv> }) =>
  router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/login',
        tags: ['staff'],
        request: { body: jsonBody(LoginRequest) },
        responses: {
          200: json(StaffMe, 'Signed in'),
          ...E400,
          ...E401,
          410: json(ErrorBody, 'business_closed: the business has closed'),
          429: json(ErrorBody, 'login_throttled: too many wrong passwords; details.retryAfterSeconds says how long'),
        },
      }),
      async (c) => {
        const { email, password } = c.req.valid('json')
        const deps = c.var.deps
        const address = clientAddress(c, deps.config.trustProxy)
        const staffId = await checkStaffCredentials(deps, email, password, address)
        const s = await openSession(deps, { kind: 'staff', staffId }, c.req.header('user-agent') ?? null)
        setSessionCookie(c, STAFF_COOKIE, s.token, s.expiresAt)
        return c.json(await staffMe(deps, staffId), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/password-reset',
        tags: ['staff'],
        summary: 'Mails a reset link (single use, 30 minutes) when the address has a staff account',
        description: 'The answer is the same whether or not the address belongs to an account.',
        middleware: [limits.reset] as const,
        request: { body: jsonBody(PasswordResetRequest) },
        responses: { 202: json(z.object({ sent: z.literal(true) }), 'Asked'), ...E400, ...E429 },
      }),
      async (c) => {
        const { email, locale } = c.req.valid('json')
        await requestPasswordReset(c.var.deps, email, locale)
        return c.json({ sent: true as const }, 202)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/password-reset/confirm',
        tags: ['staff'],
        summary: 'Sets a new password with a reset link (once); every other session of the account ends',
        middleware: [limits.reset] as const,
        request: { body: jsonBody(PasswordResetConfirm) },
        responses: {
          200: json(StaffMe, 'Password changed; this device is signed in'),
          ...E400,
          410: json(ErrorBody, 'reset_invalid: expired or already used'),
          ...E429,
        },
      }),
      async (c) => {
        const deps = c.var.deps
        const { token, password } = c.req.valid('json')
        const staffId = await confirmPasswordReset(deps, token, password, clientAddress(c, deps.config.trustProxy))
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
          // business_suspended, location_not_allowed
          ...E403,
          ...E404,
          ...E409,
          410: json(ErrorBody, 'card_closed: the card was merged into another or its member deleted the account'),
          ...E429,
        },
      }),
      async (c) => {
        const a = c.var.actor
        const { code, locationId } = c.req.valid('json')
        return c.json(
          await scanCard(c.var.deps, { id: a.staffId!, merchantId: a.merchantId, role: a.role }, code, locationId),
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
        // business_suspended: refused where the award would be
        responses: { 200: json(EarnPreview, 'The points and their breakdown'), ...E400, ...E401, ...E403, ...E410 },
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
          // business_suspended, location_not_allowed
          ...E403,
          ...E404,
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
