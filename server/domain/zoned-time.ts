/** Local calendar arithmetic in a merchant's IANA timezone, with Intl only (no SQL date functions). */
export interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  weekday: number
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

export function localParts(at: Date, tz: string): LocalParts {
  const out: Record<string, string> = {}
  for (const p of format(tz).formatToParts(at)) out[p.type] = p.value
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour) % 24,
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS[out.weekday!] ?? 1,
  }
}

function offsetMs(at: Date, tz: string): number {
  const p = localParts(at, tz)
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return wall - (at.getTime() - at.getUTCMilliseconds())
}

/** The instant a local wall-clock time happens; months and days may overflow (month 13 is January next year). */
export function zonedToUtc(
  tz: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  const guess = offsetMs(new Date(wall), tz)
  const settled = offsetMs(new Date(wall - guess), tz)
  return new Date(wall - settled)
}

/** Local date as YYYY-MM-DD. */
/** YYYY-MM-DD of local parts. */
export const isoDateOf = (p: Pick<LocalParts, 'year' | 'month' | 'day'>): string =>
  `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`

export function localDate(at: Date, tz: string): string {
  return isoDateOf(localParts(at, tz))
}

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

export const DAY_MS = 86_400_000

/** Whether YYYY-MM-DD names a real calendar day (no 30 February). */
export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo)
}
