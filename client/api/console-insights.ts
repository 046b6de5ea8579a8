/** Insights calls (dashboard, segments, thresholds); the file name keeps it in the lazy staff chunk. */
import type { InsightSettingsDto, InsightsDashboard, SegmentName, SegmentPage } from '../../server/contract/insights.js'
import { request } from './client.js'

export type { InsightSettingsDto, InsightsDashboard, SegmentName, SegmentPage }
export type { SegmentMember } from '../../server/contract/insights.js'

const seg = encodeURIComponent

export const insightsApi = {
  dashboard: (locationId?: string) =>
    request<InsightsDashboard>(
      'GET',
      `/merchant/insights${locationId ? `?locationId=${encodeURIComponent(locationId)}` : ''}`,
    ),
  settings: () => request<InsightSettingsDto>('GET', '/merchant/insights/settings'),
  saveSettings: (body: InsightSettingsDto) =>
    request<InsightSettingsDto>('PUT', '/merchant/insights/settings', { body }),
  segment: (name: SegmentName, offset = 0, limit = 50) =>
    request<SegmentPage>('GET', `/merchant/insights/segments/${seg(name)}?limit=${limit}&offset=${offset}`),
  /** A download link (the browser sends the session cookie). */
  csvUrl: (name: SegmentName) => `/api/merchant/insights/segments/${seg(name)}/csv`,
}
