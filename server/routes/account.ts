import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import type { Context, MiddlewareHandler } from 'hono'
import { z } from 'zod'
import {
  AccountProfile,
  ConsentList,
  DeleteAccountRequest,
  DeviceList,
  EmailLinkConfirm,
  EmailLinkRequest,
  EmailLinkSent,
  MemberExport,
  PasskeyDto,
  PasskeyList,
  PasskeySignInRequest,
  RegisterPasskeyRequest,
  RenamePasskeyRequest,
  SetConsentRequest,
  SetLocaleRequest,
  SignedOutCount,
  SignInResult,
  WebAuthnOptions,
} from '../contract/account.js'
import { ErrorBody, Id } from '../contract/common.js'
import { clearSessionCookie, CUSTOMER_COOKIE, requireCustomer, setSessionCookie } from '../middleware/auth.js'
import type { AppEnv } from '../middleware/env.js'
import {
  accountProfile,
  deleteAccount,
  exportMemberData,
  listConsents,
  listDevices,
  setConsent,
  setMemberLocale,
  signOutDevice,
  signOutOtherDevices,
} from '../services/members/account.js'
import { consumeEmailLink, requestEmailLink } from '../services/members/email-sign-in.js'
import {
  authenticationOptions,
  listPasskeys,
  registerPasskey,
  registrationOptions,
  removeMyPasskey,
  renameMyPasskey,
  verifyPasskeySignIn,
} from '../services/members/passkeys.js'
import { signInCustomer } from '../services/members/sign-in.js'
import { E400, E401, E404, E409, E429, createRoute, json, jsonBody, router } from './openapi.js'

const E410 = { 410: json(ErrorBody, 'The link expired') }
const me = (c: Context<AppEnv>) => c.var.customer!.customerId!
const ua = (c: Context<AppEnv>) => c.req.header('user-agent') ?? null

async function finishSignIn(c: Context<AppEnv>, customerId: string) {
  const res = await signInCustomer(c.var.deps, customerId, c.var.customer, ua(c))
  setSessionCookie(c, CUSTOMER_COOKIE, res.token, res.expiresAt)
  return { signedIn: true as const, movedCards: res.movedCards, mergedCards: res.mergedCards }
}

/** Signing in on a new device: passkeys and email links. Rate-limited like staff login. */
export const signInRoutes = (limit: MiddlewareHandler<AppEnv>) =>
  router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/passkey/options',
        tags: ['account'],
        middleware: [limit] as const,
        responses: { 200: json(WebAuthnOptions, 'Options for navigator.credentials.get (discoverable)'), ...E429 },
      }),
      async (c) => c.json((await authenticationOptions(c.var.deps)) as unknown as Record<string, unknown>, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/passkey',
        tags: ['account'],
        middleware: [limit] as const,
        request: { body: jsonBody(PasskeySignInRequest) },
        responses: {
          200: json(SignInResult, 'Signed in; a wallet on this device was merged in'),
          ...E400,
          ...E401,
          ...E429,
        },
      }),
      async (c) => {
        const { response } = c.req.valid('json')
        const customerId = await verifyPasskeySignIn(c.var.deps, response as unknown as AuthenticationResponseJSON)
        return c.json(await finishSignIn(c, customerId), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/email-link',
        tags: ['account'],
        middleware: [limit] as const,
        request: { body: jsonBody(EmailLinkRequest) },
        responses: {
          202: json(EmailLinkSent, 'The same answer whether the address is known or not'),
          ...E400,
          ...E429,
        },
      }),
      async (c) => {
        await requestEmailLink(c.var.deps, c.req.valid('json'))
        return c.json({ sent: true as const }, 202)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/email-link/confirm',
        tags: ['account'],
        middleware: [limit] as const,
        request: { body: jsonBody(EmailLinkConfirm) },
        responses: { 200: json(SignInResult, 'Signed in'), ...E400, ...E409, ...E410, ...E429 },
      }),
      async (c) => {
        const customerId = await consumeEmailLink(c.var.deps, c.req.valid('json').token)
        return c.json(await finishSignIn(c, customerId), 200)
      },
    )

const IdParam = z.object({ id: Id })

/** The member's own account: profile, passkeys, devices, consents, export and deletion. */
export const accountRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      responses: { 200: json(AccountProfile, 'The member'), ...E401 },
    }),
    async (c) => c.json(await accountProfile(c.var.deps, me(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/me/locale',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      request: { body: jsonBody(SetLocaleRequest) },
      responses: { 200: json(AccountProfile, 'The member, in their new language'), ...E400, ...E401 },
    }),
    async (c) => c.json(await setMemberLocale(c.var.deps, me(c), c.req.valid('json').locale), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/passkeys',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      responses: { 200: json(PasskeyList, 'Passkeys of this member'), ...E401 },
    }),
    async (c) => c.json({ passkeys: await listPasskeys(c.var.deps, me(c)) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/passkeys/options',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      responses: { 200: json(WebAuthnOptions, 'Options for navigator.credentials.create'), ...E401 },
    }),
    async (c) => c.json((await registrationOptions(c.var.deps, me(c))) as unknown as Record<string, unknown>, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/passkeys',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      request: { body: jsonBody(RegisterPasskeyRequest) },
      responses: { 201: json(PasskeyDto, 'The passkey was saved'), ...E400, ...E401 },
    }),
    async (c) => {
      const { response, name } = c.req.valid('json')
      return c.json(
        await registerPasskey(c.var.deps, me(c), response as unknown as RegistrationResponseJSON, name),
        201,
      )
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/me/passkeys/{id}',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      request: { params: IdParam, body: jsonBody(RenamePasskeyRequest) },
      responses: { 200: json(PasskeyList, 'Renamed'), ...E400, ...E401, ...E404 },
    }),
    async (c) => {
      await renameMyPasskey(c.var.deps, me(c), c.req.valid('param').id, c.req.valid('json').name)
      return c.json({ passkeys: await listPasskeys(c.var.deps, me(c)) }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/me/passkeys/{id}',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      request: { params: IdParam },
      responses: { 200: json(PasskeyList, 'Removed'), ...E401, ...E404 },
    }),
    async (c) => {
      await removeMyPasskey(c.var.deps, me(c), c.req.valid('param').id)
      return c.json({ passkeys: await listPasskeys(c.var.deps, me(c)) }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/devices',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      responses: { 200: json(DeviceList, 'Devices signed in to this wallet'), ...E401 },
    }),
    async (c) => c.json({ devices: await listDevices(c.var.deps, me(c), c.var.customer!.sessionId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/me/devices/{id}',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      request: { params: IdParam },
      responses: { 200: json(SignedOutCount, 'That device is signed out'), ...E401, ...E404 },
    }),
    async (c) => {
      const id = c.req.valid('param').id
      await signOutDevice(c.var.deps, me(c), id)
      if (id === c.var.customer!.sessionId) clearSessionCookie(c, CUSTOMER_COOKIE)
      return c.json({ signedOut: 1 }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/devices/sign-out-others',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      responses: { 200: json(SignedOutCount, 'Every other device is signed out'), ...E401 },
    }),
    async (c) => c.json({ signedOut: await signOutOtherDevices(c.var.deps, me(c), c.var.customer!.sessionId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/consents',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      responses: { 200: json(ConsentList, 'Marketing consent per card'), ...E401 },
    }),
    async (c) => c.json({ consents: await listConsents(c.var.deps, me(c)) }, 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/me/cards/{id}/consent',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      request: { params: IdParam, body: jsonBody(SetConsentRequest) },
      responses: { 200: json(ConsentList, 'Consent recorded'), ...E400, ...E401, ...E404 },
    }),
    async (c) =>
      c.json({ consents: await setConsent(c.var.deps, me(c), c.req.valid('param').id, c.req.valid('json')) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/export',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      responses: { 200: json(MemberExport, 'Everything held about the member, as a JSON download'), ...E401 },
    }),
    async (c) => {
      const data = await exportMemberData(c.var.deps, me(c))
      const day = (data.exportedAt as string).slice(0, 10)
      c.header('Content-Disposition', `attachment; filename="loyalty-wallet-my-data-${day}.json"`)
      c.header('Cache-Control', 'no-store')
      return c.json(data, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/delete',
      tags: ['account'],
      middleware: [requireCustomer] as const,
      request: { body: jsonBody(DeleteAccountRequest) },
      responses: {
        200: json(z.object({ deleted: z.literal(true) }), 'Deleted; this device is signed out'),
        ...E400,
        ...E401,
      },
    }),
    async (c) => {
      await deleteAccount(c.var.deps, me(c))
      clearSessionCookie(c, CUSTOMER_COOKIE)
      return c.json({ deleted: true as const }, 200)
    },
  )
