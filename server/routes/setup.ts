import { SetupRequest, SetupStatus } from '../contract/merchant.js'
import { StaffMe } from '../contract/staff.js'
import { setSessionCookie, STAFF_COOKIE } from '../middleware/auth.js'
import { openSession } from '../services/members/sessions.js'
import { runSetup, setupNeeded } from '../services/console/setup.js'
import { E400, E403, E409, createRoute, json, jsonBody, router } from './openapi.js'

export const setupRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/setup',
      tags: ['setup'],
      responses: { 200: json(SetupStatus, 'Whether the first-run setup is still to be done') },
    }),
    async (c) => c.json({ needed: await setupNeeded(c.var.deps) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/setup',
      tags: ['setup'],
      request: { body: jsonBody(SetupRequest) },
      responses: {
        201: json(StaffMe, 'Merchant and owner created; the owner is signed in'),
        ...E400,
        ...E403,
        ...E409,
      },
    }),
    async (c) => {
      const { me, ownerId } = await runSetup(c.var.deps, c.req.valid('json'))
      const s = await openSession(c.var.deps, { kind: 'staff', staffId: ownerId }, c.req.header('user-agent') ?? null)
      setSessionCookie(c, STAFF_COOKIE, s.token, s.expiresAt)
      return c.json(me, 201)
    },
  )
