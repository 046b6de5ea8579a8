import type { MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Context } from 'hono'
import { DomainError } from '../domain/errors.js'
import { actorForApiKey } from '../services/console/keys-and-links.js'
import { resolveSession } from '../services/members/sessions.js'
import { isStaffOperator } from '../services/platform/operators.js'
import { refuses } from './documented.js'
import type { AppEnv } from './env.js'

export const CUSTOMER_COOKIE = 'lw_c'
export const STAFF_COOKIE = 'lw_s'
type Role = 'owner' | 'manager' | 'cashier'

/** Reads the session cookies (customer and staff are separate, so one phone can be both). */
export const loadSessions: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.var.deps
  const now = deps.clock.now()
  const ct = getCookie(c, CUSTOMER_COOKIE)
  const st = getCookie(c, STAFF_COOKIE)
  const customer = ct ? await resolveSession(deps, ct, now) : null
  const staff = st ? await resolveSession(deps, st, now) : null
  c.set('customer', customer?.kind === 'customer' ? customer : null)
  c.set('staff', staff?.kind === 'staff' ? staff : null)
  await next()
}

export function setSessionCookie(c: Context<AppEnv>, name: string, token: string, expires: Date): void {
  setCookie(c, name, token, {
    httpOnly: true,
    secure: c.var.deps.config.secureCookies,
    sameSite: 'Lax',
    path: '/',
    expires,
  })
}

export const clearSessionCookie = (c: Context<AppEnv>, name: string) => deleteCookie(c, name, { path: '/' })

export const requireCustomer: MiddlewareHandler<AppEnv> = refuses(
  async (c, next) => {
    if (!c.var.customer?.customerId)
      throw new DomainError('unauthenticated', 'Open your card from its signup link first.')
    await next()
  },
  { 401: 'unauthenticated: no member session on this device' },
)

/** The one place roles are checked: staff of a merchant, optionally with one of the given roles. */
export function requireStaff(...roles: Role[]): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    const s = c.var.staff?.staff
    if (!s) throw new DomainError('unauthenticated', 'Please sign in as staff.')
    if (roles.length > 0 && !roles.includes(s.role)) {
      throw new DomainError('forbidden', `This needs the ${roles.join(' or ')} role.`)
    }
    c.set('actor', { merchantId: s.merchantId, staffId: s.id, apiKeyId: null, role: s.role })
    await next()
  }
  return refuses(mw, {
    401: 'unauthenticated: not signed in as staff',
    ...(roles.length > 0 && roles.length < 3 ? { 403: `forbidden: this needs the ${roles.join(' or ')} role` } : {}),
  })
}

/**
 * The platform's operators (OPERATOR_EMAILS, or the account the first-run setup made): staff accounts
 * that may also open the operator console. Their merchant routes stay those of their own business.
 */
export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const s = c.var.staff?.staff
  if (!s) throw new DomainError('unauthenticated', 'Please sign in as staff.')
  if (!(await isStaffOperator(c.var.deps, s.id))) {
    throw new DomainError('forbidden', 'This needs an operator of the platform.')
  }
  c.set('actor', { merchantId: s.merchantId, staffId: s.id, apiKeyId: null, role: s.role })
  await next()
}

/** POS integrations: `Authorization: Bearer <api key>`; the key decides the merchant. */
export const requireApiKey: MiddlewareHandler<AppEnv> = refuses(
  async (c, next) => {
    const auth = c.req.header('authorization') ?? ''
    const m = /^Bearer\s+(\S+)$/i.exec(auth)
    const actor = m ? await actorForApiKey(c.var.deps, m[1]!) : null
    if (!actor) throw new DomainError('unauthenticated', 'A valid API key is required (Authorization: Bearer <key>).')
    c.set('actor', actor)
    await next()
  },
  { 401: 'unauthenticated: no API key, or an unknown or revoked one' },
)
