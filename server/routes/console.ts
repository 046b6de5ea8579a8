import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { HistoryPage, HistoryQuery } from '../contract/card.js'
import { ErrorBody, IdempotencyHeaders, Slug } from '../contract/common.js'
import {
  AcceptInvite,
  Branding,
  CustomerDetail,
  CustomerPage,
  CustomerQuery,
  InviteInfo,
  InviteStaff,
  InviteToken,
  LOGO_TYPES,
  MAX_LOGO_BYTES,
  StaffInvitation,
  StaffMember,
  UpdateBranding,
  UpdateStaff,
} from '../contract/console.js'
import { Adjustment, AwardResponse, StaffMe } from '../contract/staff.js'
import { requireStaff, setSessionCookie, STAFF_COOKIE } from '../middleware/auth.js'
import type { AppEnv } from '../middleware/env.js'
import { errorJson } from '../middleware/errors.js'
import { getBranding, logoForSlug, removeLogo, updateBranding, uploadLogo } from '../services/console/branding.js'
import { adjustFromConsole, customerDetail, customerHistory, findCustomers } from '../services/console/customers.js'
import { signupLinkQr } from '../services/console/keys-and-links.js'
import { openSession } from '../services/members/sessions.js'
import {
  acceptInvite,
  inviteInfo,
  inviteStaff,
  listStaff,
  reinviteStaff,
  updateStaff,
} from '../services/console/staff-admin.js'
import { staffMe } from '../services/console/staff-auth.js'
import { E400, E401, E403, E404, E409, E422, E429, createRoute, json, jsonBody, router } from './openapi.js'

const owner = requireStaff('owner')
const ownerOrManager = requireStaff('owner', 'manager')
const anyStaff = requireStaff()

/** The logo upload takes a raw image body, so it skips the app's 32 kB JSON limit and has this one. */
export const LOGO_UPLOAD_PATH = '/merchant/branding/logo'
const logoLimit = bodyLimit({
  maxSize: MAX_LOGO_BYTES,
  onError: (c) => errorJson(c, 413, 'payload_too_large', `The logo may be at most ${MAX_LOGO_BYTES / 1024 / 1024} MB.`),
})
const binary = (description: string, types: readonly string[]) => ({
  content: Object.fromEntries(types.map((t) => [t, { schema: z.string().meta({ format: 'binary' }) }])),
  description,
})
const idParam = z.object({ id: z.string().min(1).max(64) })

/** Merchant console admin: branding and logo, QR downloads, staff, customers; and accepting a staff invitation. */
export const consoleRoutes = (inviteLimit: MiddlewareHandler<AppEnv>) =>
  router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/branding',
        tags: ['merchant'],
        middleware: [ownerOrManager] as const,
        responses: { 200: json(Branding, 'Name, colours and logo'), ...E401, ...E403 },
      }),
      async (c) => c.json(await getBranding(c.var.deps, c.var.actor.merchantId), 200),
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/merchant/branding',
        tags: ['merchant'],
        middleware: [ownerOrManager] as const,
        request: { body: jsonBody(UpdateBranding) },
        responses: { 200: json(Branding, 'Saved'), ...E400, ...E401, ...E403 },
      }),
      async (c) => c.json(await updateBranding(c.var.deps, c.var.actor.merchantId, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: LOGO_UPLOAD_PATH,
        tags: ['merchant'],
        summary: 'Upload the logo as the raw request body (PNG, JPEG or WebP, at most 2 MB)',
        description:
          "The type is told by the file's bytes, not its Content-Type. It is stored resized to 256x256 WebP without metadata.",
        middleware: [ownerOrManager, logoLimit] as const,
        request: { body: { ...binary('The image', LOGO_TYPES), required: true } },
        responses: {
          200: json(Branding, 'Saved; logoUrl has a new ?v='),
          413: json(ErrorBody, 'payload_too_large: larger than 2 MB'),
          415: json(ErrorBody, 'unsupported_image: not a PNG, JPEG or WebP image'),
          ...E401,
          ...E403,
        },
      }),
      async (c) => {
        const bytes = new Uint8Array(await c.req.arrayBuffer())
        return c.json(await uploadLogo(c.var.deps, c.var.actor.merchantId, bytes), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: LOGO_UPLOAD_PATH,
        tags: ['merchant'],
        middleware: [ownerOrManager] as const,
        responses: { 200: json(Branding, 'The logo is removed'), ...E401, ...E403 },
      }),
      async (c) => c.json(await removeLogo(c.var.deps, c.var.actor.merchantId), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchants/{slug}/logo',
        tags: ['customer'],
        summary: "The merchant's logo; with ?v= of the current version it may be cached for a year",
        request: { params: z.object({ slug: Slug }), query: z.object({ v: z.coerce.number().int().optional() }) },
        responses: { 200: binary('The logo', ['image/webp']), ...E404 },
      }),
      async (c) => {
        const logo = await logoForSlug(c.var.deps, c.req.valid('param').slug)
        const current = c.req.valid('query').v === logo.version
        c.header('Content-Type', logo.contentType)
        c.header('Cache-Control', current ? 'public, max-age=31536000, immutable' : 'no-cache')
        c.header('ETag', `"logo-${logo.version}"`)
        return c.body(new Uint8Array(logo.data), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/signup-links/{id}/qr',
        tags: ['merchant'],
        summary: 'The QR code of a signup link as a PNG (1024 px) or SVG download',
        middleware: [ownerOrManager] as const,
        request: { params: idParam, query: z.object({ format: z.enum(['png', 'svg']).default('png') }) },
        responses: { 200: binary('The QR code', ['image/png', 'image/svg+xml']), ...E401, ...E403, ...E404 },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const { format } = c.req.valid('query')
        const qr = await signupLinkQr(c.var.deps, c.var.actor.merchantId, id, format)
        c.header('Content-Disposition', `attachment; filename="${qr.filename}"`)
        c.header('Cache-Control', 'private, no-cache')
        c.header('Content-Type', qr.contentType)
        return c.body(qr.body, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/staff',
        tags: ['merchant'],
        middleware: [ownerOrManager] as const,
        responses: {
          200: json(
            z.object({ staff: z.array(StaffMember) }),
            'Everyone on the staff, invited and deactivated included',
          ),
          ...E401,
          ...E403,
        },
      }),
      async (c) => c.json({ staff: await listStaff(c.var.deps, c.var.actor.merchantId) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/merchant/staff',
        tags: ['merchant'],
        middleware: [owner] as const,
        request: { body: jsonBody(InviteStaff) },
        responses: {
          201: json(StaffInvitation, 'Invited; the link is shown only in this answer'),
          ...E400,
          ...E401,
          ...E403,
          ...E404,
          ...E409,
        },
      }),
      async (c) => c.json(await inviteStaff(c.var.deps, c.var.actor, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/merchant/staff/{id}',
        tags: ['merchant'],
        summary: 'Change the role or deactivate (ends their sessions); the last active owner stays an owner',
        middleware: [owner] as const,
        request: { params: idParam, body: jsonBody(UpdateStaff) },
        responses: { 200: json(StaffMember, 'Updated'), ...E400, ...E401, ...E403, ...E404, ...E409 },
      }),
      async (c) =>
        c.json(await updateStaff(c.var.deps, c.var.actor, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/merchant/staff/{id}/invite',
        tags: ['merchant'],
        summary: 'A new invitation link for someone who has not accepted yet; earlier links stop working',
        middleware: [owner] as const,
        request: { params: idParam },
        responses: {
          201: json(StaffInvitation, 'The new link, shown only in this answer'),
          ...E401,
          ...E403,
          ...E404,
          ...E409,
        },
      }),
      async (c) => c.json(await reinviteStaff(c.var.deps, c.var.actor, c.req.valid('param').id), 201),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/invite/info',
        tags: ['staff'],
        middleware: [inviteLimit] as const,
        request: { body: jsonBody(InviteToken) },
        responses: {
          200: json(InviteInfo, 'Who the invitation is for'),
          410: json(ErrorBody, 'invite_invalid: expired or already used'),
          ...E400,
          ...E429,
        },
      }),
      async (c) => c.json(await inviteInfo(c.var.deps, c.req.valid('json').token), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/staff/invite/accept',
        tags: ['staff'],
        middleware: [inviteLimit] as const,
        request: { body: jsonBody(AcceptInvite) },
        responses: {
          200: json(StaffMe, 'Password set and signed in'),
          410: json(ErrorBody, 'invite_invalid: expired or already used'),
          ...E400,
          ...E429,
        },
      }),
      async (c) => {
        const deps = c.var.deps
        const { token, password } = c.req.valid('json')
        const staffId = await acceptInvite(deps, token, password)
        const s = await openSession(deps, { kind: 'staff', staffId }, c.req.header('user-agent') ?? null)
        setSessionCookie(c, STAFF_COOKIE, s.token, s.expiresAt)
        return c.json(await staffMe(deps, staffId), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/customers',
        tags: ['merchant'],
        summary:
          'Members whose name contains q or whose card number starts with q (owners and managers: also by email, ' +
          'and with it); paginated',
        middleware: [anyStaff] as const,
        request: { query: CustomerQuery },
        responses: { 200: json(CustomerPage, 'A page of members'), ...E400, ...E401 },
      }),
      async (c) => c.json(await findCustomers(c.var.deps, c.var.actor, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/customers/{id}',
        tags: ['merchant'],
        middleware: [anyStaff] as const,
        request: { params: idParam },
        summary:
          "The member's card: tier, balance, stamps and coupons; for owners and managers also email, birthday, " +
          'consent and its history, visits, spend, segment and the first page of the history',
        responses: { 200: json(CustomerDetail, "The member's card"), ...E401, ...E404 },
      }),
      async (c) => c.json(await customerDetail(c.var.deps, c.var.actor, c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/merchant/customers/{id}/history',
        tags: ['merchant'],
        summary: "A page of the member's history, newest first in posting order (owner, manager)",
        middleware: [ownerOrManager] as const,
        request: { params: idParam, query: HistoryQuery },
        responses: {
          200: json(HistoryPage, 'Entries and where the next page starts'),
          ...E400,
          ...E401,
          ...E403,
          ...E404,
        },
      }),
      async (c) =>
        c.json(
          await customerHistory(c.var.deps, c.var.actor.merchantId, c.req.valid('param').id, c.req.valid('query')),
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/merchant/customers/{id}/adjust',
        tags: ['merchant'],
        summary: 'A manual adjustment with a reason (owner, manager); never below zero',
        middleware: [ownerOrManager] as const,
        request: { params: idParam, headers: IdempotencyHeaders, body: jsonBody(Adjustment) },
        responses: {
          201: json(AwardResponse, 'Posted. A replay of the same Idempotency-Key and body returns the first answer'),
          ...E400,
          ...E401,
          ...E403,
          ...E404,
          ...E409,
          ...E422,
        },
      }),
      async (c) => {
        const r = await adjustFromConsole(
          c.var.deps,
          c.var.actor,
          c.req.valid('param').id,
          c.req.valid('json'),
          c.req.valid('header')['idempotency-key'],
        )
        return c.json(r.body, 201)
      },
    )
