import type { Context } from 'hono'
import { stream } from 'hono/streaming'
import { z } from 'zod'
import {
  AutomationHoldouts,
  CampaignDto,
  ExportRange,
  MemberExportRange,
  OpeningHoursDto,
  ResolveAlert,
  StaffAlertDto,
  StaffPushBody,
  StaffPushDevices,
} from '../contract/reports.js'
import { PushUnsubscribeBody } from '../contract/push.js'
import { requireStaff } from '../middleware/auth.js'
import type { AppEnv } from '../middleware/env.js'
import {
  getAutomationHoldouts,
  getCampaign,
  listCampaigns,
  setAutomationHoldouts,
} from '../services/insights/campaigns.js'
import { ledgerExport, membersExport } from '../services/insights/exports.js'
import {
  alertDevices,
  getOpeningHours,
  listAlerts,
  setAlertState,
  setOpeningHours,
  subscribeAlertDevice,
  unsubscribeAlertDevice,
} from '../services/insights/staff-alerts.js'
import { LocationFilter } from '../contract/locations.js'
import { E400, E401, E403, E404, createRoute, json, jsonBody, router } from './openapi.js'

const ownerOrManager = requireStaff('owner', 'manager')
const ownerOnly = requireStaff('owner')
const IdParam = z.object({ id: z.string().max(64) })
const csv = (description: string) => ({ content: { 'text/csv': { schema: z.string() } }, description })

/** Streams CSV lines in chunks of about 64 kB, with a file name for the browser's download. */
export function sendCsv(c: Context<AppEnv>, filename: string, rows: AsyncGenerator<string>) {
  c.header('content-type', 'text/csv; charset=utf-8')
  c.header('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`)
  c.header('cache-control', 'no-store')
  return stream(c, async (s) => {
    let buf = ''
    for await (const line of rows) {
      buf += line
      if (buf.length >= 64 * 1024) {
        await s.write(buf)
        buf = ''
      }
    }
    if (buf) await s.write(buf)
  })
}

/** Campaign lift, staff alerts (opening hours, alert devices) and CSV exports: owners and managers. */
export const reportRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/campaigns',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(
          z.object({ campaigns: z.array(CampaignDto) }),
          'Campaigns with a holdout, newest first, each with its lift report',
        ),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json({ campaigns: await listCampaigns(c.var.deps, c.var.actor.merchantId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/campaigns/{id}',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { params: IdParam },
      responses: { 200: json(CampaignDto, 'One campaign and its lift report'), ...E401, ...E403, ...E404 },
    }),
    async (c) => c.json(await getCampaign(c.var.deps, c.var.actor.merchantId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/automation-holdouts',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(AutomationHoldouts, "Percent of each automation's members held out (0-50)"),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await getAutomationHoldouts(c.var.deps, c.var.actor.merchantId), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/automation-holdouts',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(AutomationHoldouts) },
      responses: {
        200: json(AutomationHoldouts, 'Saved; members already assigned keep their group'),
        ...E400,
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await setAutomationHoldouts(c.var.deps, c.var.actor.merchantId, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/alerts',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { query: LocationFilter },
      responses: {
        200: json(
          z.object({ alerts: z.array(StaffAlertDto) }),
          'Staff anomaly alerts, newest first (200 at most); with locationId, those at that location',
        ),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
      },
    }),
    async (c) =>
      c.json({ alerts: await listAlerts(c.var.deps, c.var.actor.merchantId, c.req.valid('query').locationId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/alerts/{id}/state',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { params: IdParam, body: jsonBody(ResolveAlert) },
      responses: { 204: { description: 'Acknowledged or dismissed' }, ...E400, ...E401, ...E403, ...E404 },
    }),
    async (c) => {
      await setAlertState(c.var.deps, c.var.actor, c.req.valid('param').id, c.req.valid('json').state)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/opening-hours',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(OpeningHoursDto, 'Opening hours per weekday (Monday first), merchant time; null: none set'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await getOpeningHours(c.var.deps, c.var.actor.merchantId), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/opening-hours',
      tags: ['merchant'],
      middleware: [ownerOnly] as const,
      request: { body: jsonBody(OpeningHoursDto) },
      responses: { 200: json(OpeningHoursDto, 'Saved'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await setOpeningHours(c.var.deps, c.var.actor.merchantId, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/alerts/devices',
      tags: ['merchant'],
      middleware: [ownerOnly] as const,
      responses: { 200: json(StaffPushDevices, "This owner's devices that get alert pushes"), ...E401, ...E403 },
    }),
    async (c) => c.json(await alertDevices(c.var.deps, c.var.actor.staffId!), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/alerts/devices',
      tags: ['merchant'],
      middleware: [ownerOnly] as const,
      request: { body: jsonBody(StaffPushBody) },
      responses: { 204: { description: 'This device will get a push for each new alert' }, ...E400, ...E401, ...E403 },
    }),
    async (c) => {
      await subscribeAlertDevice(c.var.deps, c.var.actor, c.req.valid('json'))
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/alerts/devices/remove',
      tags: ['merchant'],
      middleware: [ownerOnly] as const,
      request: { body: jsonBody(PushUnsubscribeBody) },
      responses: { 204: { description: 'No more alert pushes to this device' }, ...E400, ...E401, ...E403 },
    }),
    async (c) => {
      await unsubscribeAlertDevice(c.var.deps, c.var.actor.staffId!, c.req.valid('json').endpoint)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/exports/members.csv',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { query: MemberExportRange },
      responses: {
        200: csv(
          'One row per open card (with from/to: those that joined in the range); email only with marketing consent',
        ),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
      },
    }),
    async (c) => {
      const { filename, rows } = await membersExport(c.var.deps, c.var.actor.merchantId, c.req.valid('query'))
      return sendCsv(c, filename, rows)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/exports/ledger.csv',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { query: ExportRange },
      responses: {
        200: csv('Every ledger entry between two local dates (both included, at most 366 days)'),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { filename, rows } = await ledgerExport(
        c.var.deps,
        c.var.actor.merchantId,
        q.from,
        q.to,
        q.locationId,
        q.lang,
      )
      return sendCsv(c, filename, rows)
    },
  )
