import { createRoute as baseCreateRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi'
import type { z } from 'zod'
import { ErrorBody } from '../contract/common.js'
import { refusalsOf } from '../middleware/documented.js'
import type { AppEnv } from '../middleware/env.js'
import { validationError } from '../middleware/errors.js'

/** A sub-app whose invalid input always answers 400 validation_failed with the field and the problem. */
export const router = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationError(c, result.error)
    },
  })

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
})

/** A required JSON body: a request with another content type is refused rather than read as empty. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
})

const err = (description: string) => json(ErrorBody, description)
export const E400 = { 400: err('Invalid input: error.details lists each field and its problem') }
export const E401 = { 401: err('Not signed in') }
export const E403 = { 403: err('Not allowed for this role, or a cross-site request') }
export const E404 = { 404: err('Not found') }
export const E409 = { 409: err('Conflict: already used, taken, or an Idempotency-Key reused with another body') }
export const E410 = { 410: err('The scan handle expired: scan the card again') }
export const E422 = { 422: err('Refused by a rule of the program') }
export const E429 = { 429: err('Too many requests') }

const UNSAFE = new Set(['post', 'put', 'patch', 'delete'])

/**
 * The answers every route can give whatever its handler does, from the app's middleware and from
 * the route's own (`refuses(...)` in middleware/documented.ts): invalid input, a cross-site or
 * oversized unsafe request, a body that is not JSON, the role and session checks, rate limits, and
 * the unexpected 500. A route's own description of one of these wins.
 */
function commonResponses(route: RouteConfig): RouteConfig['responses'] {
  const r = route.request
  const out: RouteConfig['responses'] = {}
  if (r && (r.params || r.query || r.headers || r.cookies || r.body)) {
    Object.assign(out, { 400: err('validation_failed: error.details lists each field and its problem') })
  }
  const middleware = route.middleware ? [route.middleware].flat() : []
  for (const mw of middleware) {
    for (const [status, why] of Object.entries(refusalsOf(mw))) out[status] = err(why)
  }
  if (UNSAFE.has(route.method)) {
    if (!out[403]) out[403] = err('origin_mismatch: a browser request from another site')
    out[413] = err('payload_too_large: the body is over the limit (32 kB; the logo upload: 2 MB)')
  }
  if (r?.body) out[415] = err('unsupported_media_type: the body must be sent as the documented content type')
  out[500] = err('internal_error: an unexpected failure, logged with its request id; nothing was written')
  return out
}

/**
 * @hono/zod-openapi's createRoute, with the answers every route can give added to its documented
 * responses (commonResponses). Every route file uses this one, so the document names each status
 * the server can answer; the API tier checks every response it receives against the document.
 */
export const createRoute: typeof baseCreateRoute = (route) =>
  baseCreateRoute({ ...route, responses: { ...commonResponses(route), ...route.responses } })

/**
 * zod-to-openapi writes a nullable reference as `allOf: [{ $ref }, { type: ['object', 'null'] }]`,
 * which no value satisfies when it is null (the referenced schema says object). The document says
 * what the server sends instead: `anyOf: [{ $ref }, { type: 'null' }]`.
 */
export function fixNullableRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map(fixNullableRefs) as T
  if (!node || typeof node !== 'object') return node
  const o = node as Record<string, unknown>
  const all = o.allOf
  if (Array.isArray(all) && all.length === 2 && Object.keys(o).length === 1) {
    const [ref, extra] = all as [Record<string, unknown>, Record<string, unknown>]
    const t = extra?.type
    if (ref?.$ref && Object.keys(extra).length === 1 && Array.isArray(t) && t.includes('null')) {
      return { anyOf: [ref, { type: 'null' }] } as T
    }
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fixNullableRefs(v)])) as T
}

/**
 * The methods each documented path answers, for the 405 of a wrong method (with `Allow`, as HTTP
 * asks) instead of a 404 that says the path does not exist. Paths are relative to the API's mount.
 */
export function allowedMethods(app: OpenAPIHono<AppEnv>): (path: string) => string[] {
  let table: { re: RegExp; methods: Set<string> }[] | undefined
  const build = () => {
    const byPath = new Map<string, Set<string>>()
    for (const d of app.openAPIRegistry.definitions) {
      if (d.type !== 'route') continue
      const set = byPath.get(d.route.path) ?? new Set<string>()
      set.add(d.route.method.toUpperCase())
      if (d.route.method === 'get') set.add('HEAD')
      byPath.set(d.route.path, set)
    }
    return [...byPath].map(([p, methods]) => ({
      re: new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+')}$`),
      methods,
    }))
  }
  return (path) => {
    const out = new Set<string>()
    for (const row of (table ??= build())) if (row.re.test(path)) row.methods.forEach((m) => out.add(m))
    return [...out].sort()
  }
}
