/*
 * Local time in a merchant's IANA time zone: the one place that turns instants into wall-clock
 * parts and back. Intl only (no time zone database of our own, no SQL date functions). A library
 * (@date-fns/tz, temporal-polyfill) would do the same through the same Intl calls; what we need
 * beyond that is speed: the zone offsets kept per UTC hour (offsetAt), which keep an earn to no
 * Intl call at all once warm and the insights build's 2,000,000 entries to one per UTC hour, and the
 * integer calendar below.
 */

export const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/** Wall-clock parts of an instant in a time zone. */
export interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: number
  /** YYYY-MM-DD */
  date: string
  /** Minutes after local midnight. */
  minutes: number
}

const formats = new Map<string, Intl.DateTimeFormat>()
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    })
    formats.set(tz, f)
  }
  return f
}

/** YYYY-MM-DD of a calendar date. */
export const isoDateOf = (p: { year: number; month: number; day: number }): string =>
  `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`

/** Local parts as Intl gives them: one formatToParts call (microseconds). */
function intlParts(at: Date, tz: string): LocalParts {
  const out: Record<string, string> = {}
  for (const p of format(tz).formatToParts(at)) out[p.type] = p.value
  const [year, month, day, hour, minute, second] = [out.year, out.month, out.day, out.hour, out.minute, out.second]
  const weekday = WEEKDAYS[out.weekday!] ?? 1
  return partsOf(Number(year), Number(month), Number(day), Number(hour) % 24, Number(minute), Number(second), weekday)
}

function partsOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  weekday: number,
): LocalParts {
  const date = isoDateOf({ year, month, day })
  return { year, month, day, hour, minute, second, weekday, date, minutes: hour * 60 + minute }
}

/** The zone's offset from UTC at an instant (whole seconds), in milliseconds, as Intl gives it. */
function intlOffset(ms: number, tz: string): number {
  const p = intlParts(new Date(ms), tz)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000
}

/*
 * A zone's offset, found once per UTC hour and kept: an earn turns a dozen instants into local time
 * (its tier window, its lot's expiry, its summary's dates), a formatToParts call each otherwise. The
 * offset is checked at both ends of the hour, so an hour with a clock change is worked out per
 * instant. It depends only on the zone's rules, which do not change while the process runs.
 */
const hourOffsets = new Map<string, Map<number, number | null>>()
const HOURS_KEPT = 50_000

/** The zone's offset from UTC at an instant (whole seconds), in milliseconds. */
function offsetAt(ms: number, tz: string): number {
  let byHour = hourOffsets.get(tz)
  if (!byHour) hourOffsets.set(tz, (byHour = new Map()))
  const hour = Math.floor(ms / HOUR_MS)
  let off = byHour.get(hour)
  if (off === undefined) {
    const start = intlOffset(hour * HOUR_MS, tz)
    off = start === intlOffset(hour * HOUR_MS + HOUR_MS - 1000, tz) ? start : null
    if (byHour.size >= HOURS_KEPT) byHour.clear()
    byHour.set(hour, off)
  }
  return off ?? intlOffset(ms, tz)
}

export function localParts(at: Date, tz: string): LocalParts {
  const ms = at.getTime()
  // The wall clock read as if it were UTC (whole-second offsets keep the seconds as they are).
  const wall = new Date(ms + offsetAt(ms, tz))
  return partsOf(
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCDay() || 7,
  )
}

/** The instant a local wall-clock time happens; months and days may overflow (month 13 is January next year). */
export function zonedToUtc(tz: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0) {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  const guess = offsetAt(wall, tz)
  const settled = offsetAt(wall - guess, tz)
  return new Date(wall - settled)
}

/** The local date (YYYY-MM-DD) of an instant. */
export const localDate = (at: Date, tz: string): string => localParts(at, tz).date

/** Midnight that starts the local day containing `at`. */
export function startOfLocalDay(at: Date, tz: string): Date {
  const p = localParts(at, tz)
  return zonedToUtc(tz, p.year, p.month, p.day)
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** The same local wall time `months` later (or earlier); the 31st becomes the month's last day. */
export function addLocalMonths(at: Date, months: number, tz: string): Date {
  const p = localParts(at, tz)
  const total = p.year * 12 + (p.month - 1) + months
  const y = Math.floor(total / 12)
  const m = (total % 12) + 1
  const out = zonedToUtc(tz, y, m, Math.min(p.day, daysIn(y, m)), p.hour, p.minute, p.second)
  return new Date(out.getTime() + at.getUTCMilliseconds())
}

/** Whether YYYY-MM-DD names a real calendar day (no 30 February). */
export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo)
}

export const minutesToHhmm = (m: number): string =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/**
 * Local wall time of many instants in one time zone, fast: by the offsets kept per UTC hour (offsetAt),
 * without building the parts of each (most of a large export otherwise).
 */
export function localClock(tz: string) {
  const offset = (ms: number): number => offsetAt(ms, tz)
  const wall = (iso: string) => {
    const ms = Date.parse(iso)
    return new Date(ms + offset(ms)).toISOString()
  }
  return {
    /** The zone's offset from UTC at an instant, in milliseconds. */
    offset,
    /** 'YYYY-MM-DD HH:MM:SS' in the zone. */
    stamp: (iso: string) => {
      const w = wall(iso)
      return `${w.slice(0, 10)} ${w.slice(11, 19)}`
    },
    /** 'YYYY-MM-DD' in the zone. */
    date: (iso: string) => wall(iso).slice(0, 10),
  }
}

/* ---- Day numbers: local calendar dates as integers (days since 1970-01-01), for the insights ---- */

/** Days since 1970-01-01 of a local calendar date. */
export const dayNumber = (year: number, month: number, day: number) =>
  Math.floor(Date.UTC(year, month - 1, day) / DAY_MS)
export const isoOfDay = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10)

export function dayNumberOf(at: Date, tz: string): number {
  const p = localParts(at, tz)
  return dayNumber(p.year, p.month, p.day)
}

/** The local day number of many ISO timestamps in one time zone, with localClock's hour-cached offsets. */
export function localDayFn(tz: string): (iso: string) => number {
  const clock = localClock(tz)
  return (iso) => {
    const ms = Date.parse(iso)
    return Math.floor((ms + clock.offset(ms)) / DAY_MS)
  }
}

/** Months of day numbers 1970..2199, filled as asked: the insights look one up per visit. */
const MONTHS = new Int32Array(84_000).fill(-1)

/** Months since year 0 of a day number (for monthly cohorts). */
export function monthOfDay(n: number): number {
  if (n >= 0 && n < MONTHS.length) {
    const m = MONTHS[n]!
    if (m >= 0) return m
    return (MONTHS[n] = civilMonth(n))
  }
  return civilMonth(n)
}

function civilMonth(n: number): number {
  // Civil-from-days (H. Hinnant), integer arithmetic only: a Date per visit is slow.
  const z = n + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 2 : mp - 10
  const year = yoe + era * 400 + (month <= 1 ? 1 : 0)
  return year * 12 + month
}
export const isoOfMonth = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`
