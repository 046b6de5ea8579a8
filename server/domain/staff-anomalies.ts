import { localDate, localParts } from './time.js'
import { median } from './stats.js'

/*
 * Staff anomaly rules over awards read back from the ledger (never inside the earn transaction).
 * Each alert has a key naming its rule, subject and window, so running the detector again (or over
 * an overlapping range after downtime) finds the same alerts instead of new ones.
 */

export const RATE_FACTOR = 3
export const RATE_FLOOR = 10
export const RATE_NORM_DAYS = 28
export const REPEAT_MIN = 3
export const REPEAT_WITHIN_MS = 10 * 60_000
export const MAX_ENTRY_IDS = 100

export interface Award {
  id: string
  cardId: string
  staffId: string
  /** UTC ISO time. */
  createdAt: string
}

export interface HourCount {
  staffId: string
  /** UTC hour as 'YYYY-MM-DDTHH'. */
  hour: string
  n: number
}

export type Rule = 'rate' | 'repeat_card' | 'off_hours' | 'offline_burst' | 'offline_off_hours' | 'offline_refused'

export interface DetectedAlert {
  rule: Rule
  key: string
  staffId: string | null
  cardId: string | null
  windowStart: string
  windowEnd: string
  count: number
  threshold: number
  entryIds: string[]
}

/** Opening hours per ISO weekday (index 0 = Monday); null is closed all day. */
export type OpeningHours = ({ open: string; close: string } | null)[]

const hourOf = (iso: string) => iso.slice(0, 13)
const HOUR_MS = 3_600_000

/**
 * (a) A staff member's awards in one clock hour (UTC) above max(3 x the median of their hourly counts
 * over the 28 days before that hour, counting hours in which they awarded anything; 10).
 */
export function rateAlerts(awards: Award[], history: HourCount[]): DetectedAlert[] {
  const buckets = new Map<string, Award[]>()
  for (const a of awards) {
    const k = `${a.staffId}|${hourOf(a.createdAt)}`
    const list = buckets.get(k) ?? []
    list.push(a)
    buckets.set(k, list)
  }
  const byStaff = new Map<string, HourCount[]>()
  for (const h of history) {
    const list = byStaff.get(h.staffId) ?? []
    list.push(h)
    byStaff.set(h.staffId, list)
  }
  const out: DetectedAlert[] = []
  for (const [k, list] of buckets) {
    const [staffId, hour] = k.split('|') as [string, string]
    const start = Date.parse(`${hour}:00:00.000Z`)
    const from = new Date(start - RATE_NORM_DAYS * 86_400_000).toISOString().slice(0, 13)
    const norm =
      median((byStaff.get(staffId) ?? []).filter((h) => h.hour >= from && h.hour < hour).map((h) => h.n)) ?? 0
    const threshold = Math.max(Math.ceil(RATE_FACTOR * norm), RATE_FLOOR)
    if (list.length <= threshold) continue
    out.push({
      rule: 'rate',
      key: `rate:${staffId}:${hour}`,
      staffId,
      cardId: null,
      windowStart: new Date(start).toISOString(),
      windowEnd: new Date(start + HOUR_MS).toISOString(),
      count: list.length,
      threshold,
      entryIds: list.map((a) => a.id).slice(0, MAX_ENTRY_IDS),
    })
  }
  return out
}

/**
 * (b) The same card awarded 3 or more times within 10 minutes. Awards of a card closer than 10
 * minutes to the previous one form a run; a run holding 3 awards within 10 minutes is one alert,
 * keyed by its first award (callers pass a day of history before the range, so runs start there).
 */
export function repeatCardAlerts(awards: Award[]): DetectedAlert[] {
  const byCard = new Map<string, Award[]>()
  for (const a of awards) {
    const list = byCard.get(a.cardId) ?? []
    list.push(a)
    byCard.set(a.cardId, list)
  }
  const out: DetectedAlert[] = []
  for (const [cardId, raw] of byCard) {
    const list = [...raw].sort((x, y) =>
      x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : x.id < y.id ? -1 : 1,
    )
    let run: Award[] = []
    const flush = () => {
      if (run.length >= REPEAT_MIN && hasDenseWindow(run)) {
        const first = run[0]!
        out.push({
          rule: 'repeat_card',
          key: `repeat_card:${cardId}:${first.id}`,
          staffId: first.staffId,
          cardId,
          windowStart: first.createdAt,
          windowEnd: run[run.length - 1]!.createdAt,
          count: run.length,
          threshold: REPEAT_MIN,
          entryIds: run.map((a) => a.id).slice(0, MAX_ENTRY_IDS),
        })
      }
      run = []
    }
    for (const a of list) {
      const prev = run[run.length - 1]
      if (prev && Date.parse(a.createdAt) - Date.parse(prev.createdAt) >= REPEAT_WITHIN_MS) flush()
      run.push(a)
    }
    flush()
  }
  return out
}

function hasDenseWindow(run: Award[]): boolean {
  for (let i = 0; i + REPEAT_MIN - 1 < run.length; i++) {
    if (Date.parse(run[i + REPEAT_MIN - 1]!.createdAt) - Date.parse(run[i]!.createdAt) < REPEAT_WITHIN_MS) return true
  }
  return false
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/**
 * Whether a local time is inside the opening hours. A close before the open runs past midnight
 * (Saturday 09:00-01:00 holds Sunday 00:30); an open equal to the close is all day.
 */
export function isOpen(hours: OpeningHours, at: Date, tz: string): boolean {
  const p = localParts(at, tz)
  const m = p.hour * 60 + p.minute
  const today = hours[p.weekday - 1]
  if (today) {
    const o = minutes(today.open)
    const c = minutes(today.close)
    if (o === c || (o < c ? m >= o && m < c : m >= o)) return true
  }
  const yesterday = hours[(p.weekday + 5) % 7]
  return !!yesterday && minutes(yesterday.open) > minutes(yesterday.close) && m < minutes(yesterday.close)
}

/**
 * (c) Awards outside the opening hours, one alert per staff member and local day. No hours set
 * (null) means no such alert.
 */
export function offHoursAlerts(awards: Award[], hours: OpeningHours | null, tz: string): DetectedAlert[] {
  if (!hours) return []
  const groups = new Map<string, Award[]>()
  for (const a of awards) {
    if (isOpen(hours, new Date(a.createdAt), tz)) continue
    const k = `${a.staffId}|${localDate(new Date(a.createdAt), tz)}`
    const list = groups.get(k) ?? []
    list.push(a)
    groups.set(k, list)
  }
  const out: DetectedAlert[] = []
  for (const [k, list] of groups) {
    const [staffId, day] = k.split('|') as [string, string]
    list.sort((x, y) => (x.createdAt < y.createdAt ? -1 : 1))
    out.push({
      rule: 'off_hours',
      key: `off_hours:${staffId}:${day}`,
      staffId,
      cardId: null,
      windowStart: list[0]!.createdAt,
      windowEnd: list[list.length - 1]!.createdAt,
      count: list.length,
      threshold: 0,
      entryIds: list.map((a) => a.id).slice(0, MAX_ENTRY_IDS),
    })
  }
  return out
}

/** Queued (offline) scans that make an alert: see offlineAlerts. */
export const OFFLINE_BURST_MIN = 10
export const OFFLINE_REFUSED_MIN = 3

export interface QueuedScan {
  id: string
  staffId: string
  action: 'earn' | 'stamp'
  /** When the till captured the code (its clock), and when the scan reached us. UTC ISO. */
  capturedAt: string
  syncedAt: string
  outcome: 'accepted' | 'refused'
  /** The ledger entry of an accepted award. */
  entryId: string | null
  /** Where the till stood (issue 16); null for a business without locations. */
  locationId?: string | null
}

/**
 * Scans a till queued while offline are taken on the till's word for when they happened, so they get
 * their own alerts, one per staff member and local day:
 * (d) offline_burst: 10 or more awards queued offline (an outage is real, but so is a till left
 *     "offline" to award friends unseen);
 * (e) offline_off_hours: queued scans captured outside the opening hours (none set, no alert);
 * (f) offline_refused: 3 or more queued scans refused (forged, reused or stale codes).
 */
export function offlineAlerts(scans: QueuedScan[], hours: OpeningHours | null, tz: string): DetectedAlert[] {
  const groups = new Map<string, { rule: Rule; staffId: string; day: string; list: QueuedScan[] }>()
  const add = (rule: Rule, s: QueuedScan, at: string) => {
    const day = localDate(new Date(at), tz)
    const k = `${rule}:${s.staffId}:${day}`
    const g = groups.get(k) ?? { rule, staffId: s.staffId, day, list: [] }
    g.list.push(s)
    groups.set(k, g)
  }
  for (const s of scans) {
    if (s.outcome === 'refused') add('offline_refused', s, s.syncedAt)
    else {
      if (s.action === 'earn') add('offline_burst', s, s.syncedAt)
      if (hours && !isOpen(hours, new Date(s.capturedAt), tz)) add('offline_off_hours', s, s.capturedAt)
    }
  }
  const threshold: Partial<Record<Rule, number>> = {
    offline_burst: OFFLINE_BURST_MIN,
    offline_refused: OFFLINE_REFUSED_MIN,
    offline_off_hours: 1,
  }
  const out: DetectedAlert[] = []
  for (const [key, g] of groups) {
    const min = threshold[g.rule] ?? 1
    if (g.list.length < min) continue
    const times = g.list.map((s) => s.capturedAt).sort()
    out.push({
      rule: g.rule,
      key,
      staffId: g.staffId,
      cardId: null,
      windowStart: times[0]!,
      windowEnd: times[times.length - 1]!,
      count: g.list.length,
      threshold: g.rule === 'offline_off_hours' ? 0 : min,
      entryIds: g.list.flatMap((s) => (s.entryId ? [s.entryId] : [])).slice(0, MAX_ENTRY_IDS),
    })
  }
  return out
}
