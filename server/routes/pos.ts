import { ErrorBody, IdempotencyHeaders } from '../contract/common.js'
import { AwardResponse, PosEarnRequest } from '../contract/staff.js'
import { requireApiKey } from '../middleware/auth.js'
import { earnFromPos } from '../services/till/award.js'
import { E400, E401, E404, E409, E422, createRoute, json, jsonBody, router } from './openapi.js'

/** For POS integrators: per-merchant API keys, every write idempotent by its Idempotency-Key header. */
export const posRoutes = router().openapi(
  createRoute({
    method: 'post',
    path: '/pos/v1/earn',
    tags: ['pos'],
    security: [{ ApiKey: [] }],
    middleware: [requireApiKey] as const,
    request: { headers: IdempotencyHeaders, body: jsonBody(PosEarnRequest) },
    responses: {
      201: json(
        AwardResponse,
        'Points earned. The same Idempotency-Key and body again returns this answer and writes nothing',
      ),
      ...E400,
      ...E401,
      403: json(ErrorBody, 'business_suspended: the business is suspended by the platform'),
      ...E404,
      ...E409,
      410: json(ErrorBody, 'business_closed, or card_closed'),
      ...E422,
    },
  }),
  async (c) => {
    const r = await earnFromPos(c.var.deps, c.var.actor, c.req.valid('json'), c.req.valid('header')['idempotency-key'])
    return c.json(r.body, 201)
  },
)
