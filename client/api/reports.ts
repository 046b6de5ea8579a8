/** Campaign lift, automation holdouts, staff alerts, opening hours and exports (server/routes/reports.ts; staff chunk). */
import type { AutomationHoldouts, OpeningHoursDto } from '../../server/contract/reports.js'
import { currentLocale } from '../i18n/index.js'
import { call, rpc, seg, type JsonOf } from './client.js'

export type { AutomationHoldouts, CampaignDto, StaffAlertDto } from '../../server/contract/reports.js'

export const reportsApi = {
  campaigns: () => call(rpc.merchant.campaigns.$get()),
  automationHoldouts: () => call(rpc.merchant['automation-holdouts'].$get()),
  saveAutomationHoldouts: (body: AutomationHoldouts) => call(rpc.merchant['automation-holdouts'].$put({ json: body })),
  alerts: (locationId?: string) => call(rpc.merchant.alerts.$get({ query: { locationId } })),
  resolveAlert: (id: string, state: 'acknowledged' | 'dismissed') =>
    call(rpc.merchant.alerts[':id'].state.$post({ param: { id: seg(id) }, json: { state } })),
  openingHours: () => call(rpc.merchant['opening-hours'].$get()),
  saveOpeningHours: (body: OpeningHoursDto) => call(rpc.merchant['opening-hours'].$put({ json: body })),
  alertDevices: () => call(rpc.merchant.alerts.devices.$get()),
  addAlertDevice: (sub: PushSubscriptionJSON) =>
    call(rpc.merchant.alerts.devices.$post({ json: sub as JsonOf<typeof rpc.merchant.alerts.devices.$post> })),
  removeAlertDevice: (endpoint: string) => call(rpc.merchant.alerts.devices.remove.$post({ json: { endpoint } })),
  /** Download links (the browser sends the session cookie). Members: every member, or with both dates
   * those who joined between them (shop time, both days included); with a location, who joined there. */
  membersCsvUrl: (from?: string, to?: string, locationId?: string) =>
    rpc.merchant.exports['members.csv'].$path({
      query: { ...(from && to ? { from, to } : {}), locationId, lang: currentLocale() },
    }),
  /** With a location: only what happened there. */
  ledgerCsvUrl: (from: string, to: string, locationId?: string) =>
    rpc.merchant.exports['ledger.csv'].$path({ query: { from, to, locationId, lang: currentLocale() } }),
}
