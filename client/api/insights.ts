/** Insights: the dashboard, segments and their thresholds (server/routes/insights.ts; staff chunk). */
import type { InsightSettingsDto, SegmentName } from '../../server/contract/insights.js'
import { call, rpc } from './client.js'

export type { InsightSettingsDto, InsightsDashboard, SegmentName } from '../../server/contract/insights.js'
export type { SegmentMember } from '../../server/contract/insights.js'

export const insightsApi = {
  /** With a location: the figures of that location's members (who joined or bought there). */
  dashboard: (locationId?: string) => call(rpc.merchant.insights.$get({ query: { locationId } })),
  settings: () => call(rpc.merchant.insights.settings.$get()),
  saveSettings: (body: InsightSettingsDto) => call(rpc.merchant.insights.settings.$put({ json: body })),
  segment: (name: SegmentName, offset = 0, limit = 50) =>
    call(
      rpc.merchant.insights.segments[':segment'].$get({
        param: { segment: name },
        query: { limit: String(limit), offset: String(offset) },
      }),
    ),
  /** A download link (the browser sends the session cookie). */
  csvUrl: (name: SegmentName) => rpc.merchant.insights.segments[':segment'].csv.$path({ param: { segment: name } }),
}
