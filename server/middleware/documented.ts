import type { MiddlewareHandler } from 'hono'

/**
 * The error statuses a middleware can answer with, and why: routes/openapi.ts `createRoute` adds them
 * to every route that uses the middleware, so the OpenAPI document names them without each route
 * repeating them (a route that forgets one fails the API tier's contract check).
 */
export type Refusals = Partial<Record<401 | 403 | 404 | 409 | 413 | 429, string>>

const REFUSALS = Symbol('refusals')
type Tagged<M> = M & { [REFUSALS]?: Refusals }

export function refuses<M extends MiddlewareHandler<any>>(mw: M, refusals: Refusals): M {
  ;(mw as Tagged<M>)[REFUSALS] = { ...(mw as Tagged<M>)[REFUSALS], ...refusals }
  return mw
}

export const refusalsOf = (mw: unknown): Refusals =>
  (typeof mw === 'function' ? (mw as Tagged<MiddlewareHandler>)[REFUSALS] : undefined) ?? {}
