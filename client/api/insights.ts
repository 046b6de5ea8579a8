/** Campaign lift, staff alerts and exports for the console (staff chunk). */
import type { AutomationHoldouts, CampaignDto, OpeningHoursDto, StaffAlertDto } from '../../server/contract/reports.js'
import { request } from './client.js'

export type { AutomationHoldouts, CampaignDto, OpeningHoursDto, StaffAlertDto }

const seg = encodeURIComponent

export const insightsApi = {
  campaigns: () => request<{ campaigns: CampaignDto[] }>('GET', '/merchant/campaigns'),
  automationHoldouts: () => request<AutomationHoldouts>('GET', '/merchant/automation-holdouts'),
  saveAutomationHoldouts: (body: AutomationHoldouts) =>
    request<AutomationHoldouts>('PUT', '/merchant/automation-holdouts', { body }),
  alerts: (locationId?: string) =>
    request<{ alerts: StaffAlertDto[] }>(
      'GET',
      `/merchant/alerts${locationId ? `?locationId=${seg(locationId)}` : ''}`,
    ),
  resolveAlert: (id: string, state: 'acknowledged' | 'dismissed') =>
    request<void>('POST', `/merchant/alerts/${seg(id)}/state`, { body: { state } }),
  openingHours: () => request<OpeningHoursDto>('GET', '/merchant/opening-hours'),
  saveOpeningHours: (body: OpeningHoursDto) => request<OpeningHoursDto>('PUT', '/merchant/opening-hours', { body }),
  alertDevices: () => request<{ endpoints: string[] }>('GET', '/merchant/alerts/devices'),
  addAlertDevice: (sub: PushSubscriptionJSON) => request<void>('POST', '/merchant/alerts/devices', { body: sub }),
  removeAlertDevice: (endpoint: string) =>
    request<void>('POST', '/merchant/alerts/devices/remove', { body: { endpoint } }),
  /** Download links (the browser sends the session cookie). */
  /** Every member, or with both dates those who joined between them (shop time, both days included). */
  membersCsvUrl: (from?: string, to?: string, locationId?: string) => {
    const q = new URLSearchParams()
    if (from && to) {
      q.set('from', from)
      q.set('to', to)
    }
    if (locationId) q.set('locationId', locationId)
    return `/api/merchant/exports/members.csv${q.size ? `?${q}` : ''}`
  },
  /** With a location: only what happened there. */
  ledgerCsvUrl: (from: string, to: string, locationId?: string) =>
    `/api/merchant/exports/ledger.csv?from=${seg(from)}&to=${seg(to)}${locationId ? `&locationId=${seg(locationId)}` : ''}`,
}
