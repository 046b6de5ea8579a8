import type { MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { ErrorBody } from '../contract/common.js'
import {
  BusinessKind,
  BusinessSignup,
  BusinessSignupResult,
  FirstRun,
  MarkableStep,
  PracticeCard,
  ProgramTemplate,
  ResendVerification,
  SignupStatus,
  SlugCheck,
  SlugCheckQuery,
  TemplateQuery,
  TokenBody,
  VerifyResult,
} from '../contract/platform.js'
import { requireStaff, setSessionCookie, STAFF_COOKIE } from '../middleware/auth.js'
import type { AppEnv } from '../middleware/env.js'
import { clientAddress } from '../middleware/security.js'
import { staffMe } from '../services/console/staff-auth.js'
import { firstRun, goLive, markStep } from '../services/first-run/checklist.js'
import { practiceCard } from '../services/first-run/practice.js'
import { applyTemplate, templateFor } from '../services/first-run/templates.js'
import { openSession } from '../services/members/sessions.js'
import {
  checkSlug,
  resendVerification,
  signUpBusiness,
  signupStatus,
  verifyBusinessEmail,
} from '../services/platform/signup.js'
import { createRoute, E400, E401, E403, E409, E410, E422, E429, json, jsonBody, router } from './openapi.js'

const owner = requireStaff('owner')

/** Business sign-up and email verification (public), and the owner's first-run checklist. */
export const platformRoutes = (lookupLimit: MiddlewareHandler<AppEnv>) =>
  router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/business/signup',
        tags: ['business'],
        summary: 'Whether businesses may sign up here (SIGNUP), and whether an invitation is still good',
        request: { query: z.object({ invite: z.string().max(200).optional() }) },
        responses: { 200: json(SignupStatus, 'open, invite or closed') },
      }),
      async (c) => c.json(await signupStatus(c.var.deps, c.req.valid('query').invite), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/business/slug-check',
        tags: ['business'],
        summary: 'Whether an address (/join/<slug>) can be had: its shape, reserved words, and availability',
        middleware: [lookupLimit] as const,
        request: { query: SlugCheckQuery },
        responses: { 200: json(SlugCheck, 'available, or the problem'), ...E400, ...E429 },
      }),
      async (c) => c.json(await checkSlug(c.var.deps, c.req.valid('query').slug), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/business/signup',
        tags: ['business'],
        summary: 'Signs a business up; the owner is signed in and a verification link is mailed',
        request: { body: jsonBody(BusinessSignup) },
        responses: {
          201: json(BusinessSignupResult, 'The business is being set up; confirm the email before going live'),
          ...E400,
          403: json(ErrorBody, 'signup_closed, or signup_invite_required'),
          409: json(ErrorBody, 'slug_taken or email_taken (details name the field)'),
          410: json(ErrorBody, 'signup_invite_invalid: expired or used'),
          422: json(ErrorBody, 'slug_reserved'),
          ...E429,
        },
      }),
      async (c) => {
        const deps = c.var.deps
        const req = c.req.valid('json')
        const { ownerId } = await signUpBusiness(deps, req, clientAddress(c, deps.config.trustProxy))
        const s = await openSession(deps, { kind: 'staff', staffId: ownerId }, c.req.header('user-agent') ?? null)
        setSessionCookie(c, STAFF_COOKIE, s.token, s.expiresAt)
        return c.json({ me: await staffMe(deps, ownerId), verificationSentTo: req.ownerEmail }, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/business/verify',
        tags: ['business'],
        summary: "Confirms the owner's email with the mailed link (once)",
        middleware: [lookupLimit] as const,
        request: { body: jsonBody(TokenBody) },
        responses: {
          200: json(VerifyResult, 'Confirmed'),
          ...E400,
          410: json(ErrorBody, 'verification_invalid'),
          ...E429,
        },
      }),
      async (c) =>
        c.json({ verified: true as const, ...(await verifyBusinessEmail(c.var.deps, c.req.valid('json').token)) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/merchant/verification/resend',
        tags: ['business'],
        middleware: [owner] as const,
        request: { body: jsonBody(ResendVerification) },
        responses: {
          202: json(z.object({ sent: z.boolean() }), 'Sent (false: already confirmed)'),
          ...E401,
          ...E403,
          ...E429,
        },
      }),
      async (c) => c.json(await resendVerification(c.var.deps, c.var.actor, c.req.valid('json').locale), 202),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/first-run',
        tags: ['business'],
        summary: 'The first-run checklist: each step done or not',
        middleware: [owner] as const,
        responses: { 200: json(FirstRun, 'The checklist'), ...E401, ...E403 },
      }),
      async (c) => {
        const me = await staffMe(c.var.deps, c.var.actor.staffId!)
        return c.json(await firstRun(c.var.deps, c.var.actor.merchantId, me.email), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/first-run/templates/{kind}',
        tags: ['business'],
        summary: 'The ready-made program for a kind of business, every value editable before applying',
        middleware: [owner] as const,
        request: { params: z.object({ kind: BusinessKind }), query: TemplateQuery },
        responses: { 200: json(ProgramTemplate, 'The template'), ...E400, ...E401, ...E403 },
      }),
      async (c) =>
        c.json(
          await templateFor(c.var.deps, c.var.actor.merchantId, c.req.valid('param').kind, c.req.valid('query').locale),
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/merchant/first-run/program',
        tags: ['business'],
        summary: 'Applies a (possibly edited) ready-made program: rules, stamp card and starter rewards',
        middleware: [owner] as const,
        request: { body: jsonBody(ProgramTemplate) },
        responses: { 200: json(FirstRun, 'Applied'), ...E400, ...E401, ...E403 },
      }),
      async (c) => {
        const deps = c.var.deps
        await applyTemplate(deps, c.var.actor.merchantId, c.req.valid('json'))
        const me = await staffMe(deps, c.var.actor.staffId!)
        return c.json(await firstRun(deps, c.var.actor.merchantId, me.email), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/merchant/first-run/steps/{step}',
        tags: ['business'],
        summary:
          'Marks a step only the owner can vouch for: the poster printed or link shared; staff invited or skipped',
        middleware: [owner] as const,
        request: {
          params: z.object({ step: MarkableStep }),
          body: jsonBody(z.object({ skipped: z.boolean().default(false) })),
        },
        responses: { 200: json(FirstRun, 'Marked'), ...E400, ...E401, ...E403 },
      }),
      async (c) => {
        const deps = c.var.deps
        await markStep(deps, c.var.actor.merchantId, c.req.valid('param').step, c.req.valid('json').skipped)
        const me = await staffMe(deps, c.var.actor.staffId!)
        return c.json(await firstRun(deps, c.var.actor.merchantId, me.email), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/first-run/practice-card',
        tags: ['business'],
        summary: 'The practice card: scans like a member card; awards on it are shown, never recorded',
        middleware: [owner] as const,
        responses: { 200: json(PracticeCard, 'The card number and its TOTP secret'), ...E401, ...E403 },
      }),
      async (c) => c.json(await practiceCard(c.var.deps, c.var.actor.merchantId), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/merchant/first-run/go-live',
        tags: ['business'],
        summary: 'Opens the program to members (needs the confirmed email and a program)',
        middleware: [owner] as const,
        responses: {
          200: json(FirstRun, 'Live'),
          ...E401,
          ...E403,
          ...E409,
          ...E410,
          ...E422,
        },
      }),
      async (c) => {
        const deps = c.var.deps
        const me = await staffMe(deps, c.var.actor.staffId!)
        return c.json(await goLive(deps, c.var.actor.merchantId, me.email), 200)
      },
    )
