import { z } from 'zod'
import { createRoute, json, router } from './openapi.js'

export const healthRoutes = router().openapi(
  createRoute({
    method: 'get',
    path: '/health',
    tags: ['system'],
    responses: { 200: json(z.object({ status: z.literal('ok') }), 'The server is up') },
  }),
  (c) => c.json({ status: 'ok' as const }, 200),
)
