import { OpenAPIHono } from '@hono/zod-openapi'
import type { z } from 'zod'
import { ErrorBody } from '../contract/common.js'
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
