import { z } from 'zod'
import {
  InsightSettingsDto,
  InsightsDashboard,
  SEGMENT_CSV_COLUMNS,
  SegmentName,
  SegmentPage,
  SegmentQuery,
} from '../contract/insights.js'
import { LocationBreakdown, LocationFilter } from '../contract/locations.js'
import { requireStaff } from '../middleware/auth.js'
import { locationBreakdown } from '../services/locations/activity.js'
import {
  dashboard,
  getInsightSettings,
  segmentPage,
  segmentCsv,
  updateInsightSettings,
} from '../services/insights/dashboard.js'
import { E400, E401, E403, E404, createRoute, json, jsonBody, router } from './openapi.js'

const ownerOrManager = requireStaff('owner', 'manager')
const SegmentParam = z.object({ segment: SegmentName })

/** Insights: the dashboard, segment thresholds, segment members and their CSV (owner and manager). */
export const insightRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/insights',
      tags: ['merchant'],
      summary:
        'Retention dashboard: members, segments, rates, cohorts, liability, push (definitions in the response help)',
      middleware: [ownerOrManager] as const,
      request: { query: LocationFilter },
      responses: {
        200: json(InsightsDashboard, 'Every figure of the dashboard, computed now'),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
      },
    }),
    async (c) => c.json(await dashboard(c.var.deps, c.var.actor.merchantId, c.req.valid('query').locationId), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/insights/locations',
      tags: ['merchant'],
      summary: 'What happened at each location over the last 30 days',
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(LocationBreakdown, 'Purchases, spend, points, redemptions, stamps and new members per location'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json(await locationBreakdown(c.var.deps, c.var.actor.merchantId), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/insights/settings',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: { 200: json(InsightSettingsDto, 'Segment thresholds and the value of 100 points'), ...E401, ...E403 },
    }),
    async (c) => c.json(await getInsightSettings(c.var.deps, c.var.actor.merchantId), 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/insights/settings',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { body: jsonBody(InsightSettingsDto) },
      responses: { 200: json(InsightSettingsDto, 'Saved'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await updateInsightSettings(c.var.deps, c.var.actor.merchantId, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/insights/segments/{segment}',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      request: { params: SegmentParam, query: SegmentQuery },
      responses: {
        200: json(SegmentPage, 'Members of the segment, most recent visit first'),
        ...E400,
        ...E401,
        ...E403,
      },
    }),
    async (c) => {
      const { segment } = c.req.valid('param')
      const q = c.req.valid('query')
      const page = await segmentPage(c.var.deps, c.var.actor.merchantId, segment, q)
      return c.json({ segment, ...page, limit: q.limit, offset: q.offset }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/insights/segments/{segment}/csv',
      tags: ['merchant'],
      summary: 'Every member of the segment as CSV (RFC 4180, header row, formula-safe)',
      middleware: [ownerOrManager] as const,
      request: { params: SegmentParam },
      responses: {
        200: {
          content: { 'text/csv': { schema: z.string() } },
          description: `Columns: ${SEGMENT_CSV_COLUMNS.join(', ')}`,
        },
        ...E400,
        ...E401,
        ...E403,
      },
    }),
    async (c) => {
      const { segment } = c.req.valid('param')
      const body = await segmentCsv(c.var.deps, c.var.actor.merchantId, segment)
      const day = c.var.deps.clock.now().toISOString().slice(0, 10)
      c.header('Content-Type', 'text/csv; charset=utf-8')
      c.header('Content-Disposition', `attachment; filename="segment-${segment}-${day}.csv"`)
      c.header('Cache-Control', 'no-store')
      return c.body(body, 200)
    },
  )
