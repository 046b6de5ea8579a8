/** Wall-clock parts of an instant in a merchant's timezone (IANA name), from Intl: no tz database of our own. */
export interface LocalParts {
  /** YYYY-MM-DD */
  date: string
  /** ISO weekday: Monday = 1 ... Sunday = 7 */
  weekday: number
  /** Minutes after local midnight */
  minutes: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, f)
  }
  return f
}

export function localParts(at: Date, timeZone: string): LocalParts {
  const p: Record<string, string> = {}
  for (const part of formatter(timeZone).formatToParts(at)) p[part.type] = part.value
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: WEEKDAYS[p.weekday!] ?? 1,
    minutes: Number(p.hour) * 60 + Number(p.minute),
  }
}

export const minutesToHhmm = (m: number): string =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/** "14:00" -> 840; null for anything else. "24:00" is allowed as the end of the day. */
export function hhmmToMinutes(s: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(s)
  if (!m) return null
  const v = Number(m[1]) * 60 + Number(m[2])
  return v <= 24 * 60 ? v : null
}
