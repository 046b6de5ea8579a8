import type { OpeningHoursDto, StaffAlertDto } from '../../contract/reports.js'
import { writeTx } from '../../db/connection.js'
import {
  alertByKey,
  alertsOfMerchant,
  deleteStaffPushSubscription,
  entriesByIds,
  growAlert,
  insertAlert,
  merchantsWithTimezone,
  openingHoursOf,
  resolveAlert,
  saveOpeningHours,
  scannedUntil,
  setScannedUntil,
  staffAwards,
  staffHourlyCounts,
  staffPushDevices,
  staffPushSubscriptionsOf,
  upsertStaffPushSubscription,
} from '../../db/queries/reports.js'
import { locationOf, locationsOf } from '../../db/queries/locations.js'
import type { Location } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import {
  offHoursAlerts,
  offlineAlerts,
  rateAlerts,
  RATE_NORM_DAYS,
  repeatCardAlerts,
  REPEAT_WITHIN_MS,
  type Award,
  type DetectedAlert,
  type OpeningHours,
  type QueuedScan,
} from '../../domain/staff-anomalies.js'
import { offlineScansSyncedBetween } from '../../db/queries/till.js'
import { vapidKeys } from '../../push/vapid.js'
import { sendOnce, type FetchLike } from '../../push/web-push.js'
import type { Deps } from '../common/deps.js'
import { DAY_MS } from '../../domain/time.js'

/*
 * Staff anomaly alerts, detected after the fact from the ledger (the earn path stays untouched).
 * Each run reads from where the last one stopped, minus a day of margin (so runs of awards and
 * hours that straddle the boundary are seen whole), and inserts alerts by their unique key:
 * running twice, or after downtime, finds the same alerts rather than new ones.
 */

/** How far back the first run looks (a new install, or the feature just switched on). */
const FIRST_LOOKBACK_DAYS = 7

export interface DetectOptions {
  /** The push transport (tests pass nothing: the real HTTP one against a mock push service). */
  fetch?: FetchLike
}

export interface DetectReport {
  created: number
  updated: number
  pushed: number
}

export async function detectStaffAnomalies(deps: Deps, opts: DetectOptions = {}): Promise<DetectReport> {
  const report: DetectReport = { created: 0, updated: 0, pushed: 0 }
  const now = deps.clock.now()
  const until = now.toISOString()
  for (const m of await merchantsWithTimezone(deps.db)) {
    const last = await scannedUntil(deps.db, m.id)
    const from = last ?? new Date(now.getTime() - FIRST_LOOKBACK_DAYS * DAY_MS).toISOString()
    const marginStart = new Date(Date.parse(from) - DAY_MS)
    const rows = await staffAwards(deps.db, m.id, marginStart.toISOString(), until)
    const queued = await queuedScans(deps, m.id, marginStart.toISOString(), until)
    // A queued award is posted when the till syncs, not when it was made: its own rules judge it (below).
    const posted = new Set(queued.flatMap((q) => (q.entryId ? [q.entryId] : [])))
    const awards: Award[] = rows
      .filter((r) => !posted.has(r.id))
      .map((r) => ({ id: r.id, cardId: r.card_id, staffId: r.staff_id!, createdAt: r.created_at }))
    const whereOf = new Map<string, string | null>(rows.map((r) => [r.id, r.location_id]))
    for (const q of queued) if (q.entryId) whereOf.set(q.entryId, q.locationId ?? null)
    const history = (
      await staffHourlyCounts(
        deps.db,
        m.id,
        new Date(marginStart.getTime() - RATE_NORM_DAYS * DAY_MS).toISOString(),
        until,
      )
    ).map((h) => ({ staffId: h.staff_id!, hour: h.hour, n: Number(h.n) }))
    const hoursRow = await openingHoursOf(deps.db, m.id)
    const hours = hoursRow ? (JSON.parse(hoursRow.hours) as OpeningHours) : null
    const locations = await locationsOf(deps.db, m.id)
    const ms = marginStart.toISOString()
    // Windows cut by the margin were seen whole by the run before (if there was one); skip their partial view.
    const whole = (keep: boolean) => last === null || keep
    const found = [
      ...rateAlerts(awards, history).filter((a) => whole(a.windowStart >= ms)),
      ...repeatCardAlerts(awards).filter((a) =>
        whole(Date.parse(a.windowStart) >= marginStart.getTime() + REPEAT_WITHIN_MS),
      ),
      ...offHoursByLocation(awards, whereOf, locations, hours, m.timezone),
      ...offlineByLocation(queued, locations, hours, m.timezone),
    ]
    const created: DetectedAlert[] = []
    await writeTx(deps.db, async (tx) => {
      for (const a of found) {
        const existing = await alertByKey(tx, m.id, a.key)
        if (!existing) {
          await insertAlert(tx, {
            id: newId(),
            merchant_id: m.id,
            rule: a.rule,
            alert_key: a.key,
            staff_id: a.staffId,
            card_id: a.cardId,
            window_start: a.windowStart,
            window_end: a.windowEnd,
            count: a.count,
            threshold: a.threshold,
            entry_ids: JSON.stringify(a.entryIds),
            state: 'open',
            created_at: until,
            updated_at: until,
            resolved_at: null,
            resolved_by: null,
            location_id: sharedLocation(a.entryIds, whereOf),
          })
          created.push(a)
        } else if (a.count > existing.count) {
          await growAlert(tx, existing.id, {
            window_start: a.windowStart,
            window_end: a.windowEnd,
            count: a.count,
            entry_ids: JSON.stringify(a.entryIds),
            updated_at: until,
          })
          report.updated++
        }
      }
      await setScannedUntil(tx, m.id, until)
    })
    report.created += created.length
    if (created.length) report.pushed += await pushToOwners(deps, m.id, created, opts)
  }
  return report
}

/** The location every entry of an alert happened at, or null when they differ (or have none). */
function sharedLocation(entryIds: string[], whereOf: Map<string, string | null>): string | null {
  const seen = new Set(entryIds.map((id) => whereOf.get(id) ?? null))
  return seen.size === 1 ? [...seen][0]! : null
}

/**
 * Awards outside opening hours: at a location with hours of its own, by those hours in its time zone
 * (the key names the location); anywhere else by the business's hours, as before locations existed.
 */
function offHoursByLocation(
  awards: Award[],
  whereOf: Map<string, string | null>,
  locations: Location[],
  hours: OpeningHours | null,
  tz: string,
): DetectedAlert[] {
  const own = new Map(locations.filter((l) => l.opening_hours).map((l) => [l.id, l]))
  const rest = awards.filter((a) => !own.has(whereOf.get(a.id) ?? ''))
  const out = offHoursAlerts(rest, hours, tz)
  for (const l of own.values()) {
    const here = awards.filter((a) => whereOf.get(a.id) === l.id)
    for (const a of offHoursAlerts(here, JSON.parse(l.opening_hours!) as OpeningHours, l.timezone)) {
      out.push({ ...a, key: a.key.replace(/^off_hours:/, `off_hours@${l.id}:`) })
    }
  }
  return out
}

/**
 * Alerts on scans queued offline: bursts and refusals over every scan of a staff member's day; scans
 * captured outside opening hours judged, like awards, by their location's own hours where it has them
 * (the key names the location), by the business's hours elsewhere.
 */
function offlineByLocation(
  scans: QueuedScan[],
  locations: Location[],
  hours: OpeningHours | null,
  tz: string,
): DetectedAlert[] {
  const own = new Map(locations.filter((l) => l.opening_hours).map((l) => [l.id, l]))
  const offHours = (a: DetectedAlert) => a.rule === 'offline_off_hours'
  const out = [
    ...offlineAlerts(scans, null, tz),
    ...offlineAlerts(
      scans.filter((s) => !own.has(s.locationId ?? '')),
      hours,
      tz,
    ).filter(offHours),
  ]
  for (const l of own.values()) {
    const here = scans.filter((s) => s.locationId === l.id)
    for (const a of offlineAlerts(here, JSON.parse(l.opening_hours!) as OpeningHours, l.timezone).filter(offHours)) {
      out.push({ ...a, key: a.key.replace(/^offline_off_hours:/, `offline_off_hours@${l.id}:`) })
    }
  }
  return out
}

const RULE_TEXT: Record<DetectedAlert['rule'], string> = {
  rate: 'Unusually many awards in an hour',
  repeat_card: 'One card awarded again and again',
  off_hours: 'Awards outside opening hours',
  offline_burst: 'Many awards recorded offline',
  offline_off_hours: 'Offline scans outside opening hours',
  offline_refused: 'Offline scans refused',
}

/** Scans queued offline by staff and synced in the window (a POS never queues). */
async function queuedScans(deps: Deps, merchantId: string, from: string, to: string): Promise<QueuedScan[]> {
  return (await offlineScansSyncedBetween(deps.db, merchantId, from, to)).flatMap((r) =>
    r.staff_id
      ? [
          {
            id: r.id,
            staffId: r.staff_id,
            action: r.action,
            capturedAt: r.captured_at,
            syncedAt: r.synced_at,
            outcome: r.outcome,
            entryId: r.entry_id,
            locationId: r.location_id,
          },
        ]
      : [],
  )
}

/** One push per device for the new alerts (a summary when there are several). */
async function pushToOwners(
  deps: Deps,
  merchantId: string,
  created: DetectedAlert[],
  opts: DetectOptions,
): Promise<number> {
  const subs = await staffPushSubscriptionsOf(deps.db, merchantId)
  if (!subs.length) return 0
  const first = created[0]!
  const payload = JSON.stringify({
    title: created.length === 1 ? RULE_TEXT[first.rule] : `${created.length} new staff alerts`,
    body:
      created.length === 1
        ? `${first.count} award(s). Open the console to review.`
        : created
            .map((a) => RULE_TEXT[a.rule])
            .join('; ')
            .slice(0, 200),
    url: '/merchant/alerts',
    tag: 'staff-alert',
    kind: 'staff_alert',
  })
  const vapid = { subject: deps.config.push.vapidSubject, keys: vapidKeys(deps.config.dataDir) }
  let sent = 0
  for (const s of subs) {
    const status = await sendOnce(vapid, s, payload, { ttl: 86_400, urgency: 'high', topic: 'staff-alert' }, opts.fetch)
    if (status === 404 || status === 410) await writeTx(deps.db, (tx) => deleteStaffPushSubscription(tx, { id: s.id }))
    else if (status >= 200 && status < 300) sent++
  }
  return sent
}

export async function listAlerts(deps: Deps, merchantId: string, locationId?: string): Promise<StaffAlertDto[]> {
  if (locationId && !(await locationOf(deps.db, merchantId, locationId))) {
    throw new DomainError('location_not_found', 'No such location in your business.', [
      { path: 'locationId', message: 'unknown location' },
    ])
  }
  const rows = await alertsOfMerchant(deps.db, merchantId, 200, locationId ?? null)
  const out: StaffAlertDto[] = []
  for (const r of rows) {
    const ids = JSON.parse(r.entry_ids) as string[]
    const entries = await entriesByIds(deps.db, merchantId, ids.slice(0, 20))
    out.push({
      id: r.id,
      rule: r.rule,
      staffId: r.staff_id,
      staffName: r.staff_name,
      cardId: r.card_id,
      cardNumber: r.card_number,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      count: r.count,
      threshold: r.threshold,
      state: r.state,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      resolvedBy: r.resolved_by_name,
      location: r.location_id ? { id: r.location_id, name: r.location_name ?? '' } : null,
      entries: entries.map((e) => ({
        id: e.id,
        kind: e.kind,
        points: e.points,
        amountMinor: e.amount_minor,
        currency: e.currency,
        createdAt: e.created_at,
        cardNumber: e.card_number,
        reason: e.reason,
      })),
    })
  }
  return out
}

export async function setAlertState(
  deps: Deps,
  actor: { merchantId: string; staffId: string | null },
  id: string,
  state: 'acknowledged' | 'dismissed',
) {
  const res = await writeTx(deps.db, (tx) =>
    resolveAlert(tx, actor.merchantId, id, state, actor.staffId!, deps.clock.now().toISOString()),
  )
  if (Number(res.numUpdatedRows) !== 1) throw new DomainError('not_found', 'No such alert.')
}

export async function getOpeningHours(deps: Deps, merchantId: string): Promise<OpeningHoursDto> {
  const row = await openingHoursOf(deps.db, merchantId)
  return { hours: row ? (JSON.parse(row.hours) as OpeningHours) : null }
}

export async function setOpeningHours(deps: Deps, merchantId: string, body: OpeningHoursDto): Promise<OpeningHoursDto> {
  await writeTx(deps.db, (tx) =>
    saveOpeningHours(tx, merchantId, body.hours ? JSON.stringify(body.hours) : null, deps.clock.now().toISOString()),
  )
  return getOpeningHours(deps, merchantId)
}

export async function subscribeAlertDevice(
  deps: Deps,
  actor: { merchantId: string; staffId: string | null },
  sub: { endpoint: string; keys: { p256dh: string; auth: string } },
) {
  await writeTx(deps.db, (tx) =>
    upsertStaffPushSubscription(tx, {
      id: newId(),
      staff_id: actor.staffId!,
      merchant_id: actor.merchantId,
      endpoint: sub.endpoint,
      p256dh: sub.keys.p256dh,
      auth: sub.keys.auth,
      created_at: deps.clock.now().toISOString(),
    }),
  )
}

export const unsubscribeAlertDevice = (deps: Deps, staffId: string, endpoint: string) =>
  writeTx(deps.db, (tx) => deleteStaffPushSubscription(tx, { endpoint, staffId }))

export const alertDevices = async (deps: Deps, staffId: string) => ({
  endpoints: (await staffPushDevices(deps.db, staffId)).map((d) => d.endpoint),
})

/**
 * One push to every alert device of the merchant's owners (the staff alert channel), now; gone
 * devices are forgotten. Other features' urgent news (a low visit rating) use it. Returns how many took it.
 */
export async function pushToOwnerPhones(
  deps: Deps,
  merchantId: string,
  message: { title: string; body: string; url: string; tag: string; kind: string },
  opts: DetectOptions = {},
): Promise<number> {
  const subs = await staffPushSubscriptionsOf(deps.db, merchantId)
  const vapid = { subject: deps.config.push.vapidSubject, keys: vapidKeys(deps.config.dataDir) }
  const payload = JSON.stringify(message)
  let sent = 0
  for (const s of subs) {
    const status = await sendOnce(vapid, s, payload, { ttl: 86_400, urgency: 'high', topic: message.tag }, opts.fetch)
    if (status === 404 || status === 410) await writeTx(deps.db, (tx) => deleteStaffPushSubscription(tx, { id: s.id }))
    else if (status >= 200 && status < 300) sent++
  }
  return sent
}
