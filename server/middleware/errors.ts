import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ZodError } from 'zod'
import { DomainError } from '../domain/errors.js'

export function errorJson(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
  return c.json({ error: details === undefined ? { code, message } : { code, message, details } }, status)
}

/** zod issues as { path, message }, and a one-line message naming the first field and its problem. */
export function validationError(c: Context, error: ZodError) {
  const details = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  const first = details[0]
  const message = first ? `${first.path || 'body'}: ${first.message}` : 'The request is not valid.'
  return errorJson(c, 400, 'validation_failed', message, details)
}

/** DomainError -> its 4xx; Hono's own HTTP errors keep their status; anything else is a logged 500 without internals. */
export function onError(err: Error, c: Context) {
  if (err instanceof DomainError)
    return errorJson(c, err.status as ContentfulStatusCode, err.code, err.message, err.details)
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode
    if (status === 413) return errorJson(c, 413, 'payload_too_large', 'The request body is too large.')
    if (status === 400) return errorJson(c, 400, 'validation_failed', err.message || 'The request is not valid.')
    if (status === 415) return errorJson(c, 415, 'unsupported_media_type', 'Send the body as application/json.')
    return errorJson(c, status, status === 401 ? 'unauthenticated' : 'http_error', err.message || 'Request refused.')
  }
  console.error(`[${c.get('requestId') ?? '-'}] ${c.req.method} ${c.req.path} failed:`, err)
  return errorJson(c, 500, 'internal_error', 'Something went wrong on our side. Please try again.')
}
