import {
  BirthdayRequest,
  BirthdayResponse,
  ProgramPreview,
  ProgramRules,
  ProgramSettings,
  SaveProgram,
} from '../contract/program.js'
import { requireCustomer, requireStaff } from '../middleware/auth.js'
import { getBirthday, setBirthday } from '../services/program/birthday.js'
import { getProgram, previewProgram, saveProgram } from '../services/program/settings.js'
import { E400, E401, E403, E409, createRoute, json, jsonBody, router } from './openapi.js'

const ownerOrManager = requireStaff('owner', 'manager')

/** Program settings (owner, manager) with a 90-day preview, and the member's birthday. */
export const programRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/program',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(ProgramSettings, 'The rules in force, and a version scheduled to start later if any'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await getProgram(c.var.deps, c.var.actor.merchantId), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/program',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(SaveProgram) },
      responses: {
        200: json(ProgramSettings, 'Saved as a new version, effective from effectiveFrom (now by default)'),
        ...E400,
        ...E401,
        ...E403,
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      return c.json(await saveProgram(c.var.deps, c.var.actor.merchantId, b.rules, b.effectiveFrom), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/program/preview',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(SaveProgram.pick({ rules: true }).extend({ rules: ProgramRules })) },
      responses: {
        200: json(ProgramPreview, 'The last 90 days under the current and the proposed rules; writes nothing'),
        ...E400,
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await previewProgram(c.var.deps, c.var.actor.merchantId, c.req.valid('json').rules), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/birthday',
      tags: ['customer'],
      middleware: [requireCustomer] as const,
      responses: { 200: json(BirthdayResponse, 'The birthday and when it can next be changed'), ...E401 },
    }),
    async (c) => c.json(await getBirthday(c.var.deps, c.var.customer!.customerId!), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/me/birthday',
      tags: ['customer'],
      middleware: [requireCustomer] as const,
      request: { body: jsonBody(BirthdayRequest) },
      responses: { 200: json(BirthdayResponse, 'Saved'), ...E400, ...E401, ...E409 },
    }),
    async (c) => c.json(await setBirthday(c.var.deps, c.var.customer!.customerId!, c.req.valid('json').birthday), 200),
  )
