import { isoDateOf, localParts as zonedParts } from './zoned-time.js'

/** Wall-clock parts of an instant in a merchant's timezone (IANA name), from Intl: no tz database of our own. */
export interface LocalParts {
  /** YYYY-MM-DD */
  date: string
  /** ISO weekday: Monday = 1 ... Sunday = 7 */
  weekday: number
  /** Minutes after local midnight */
  minutes: number
}

/** The date, weekday and minute of the day, from the one Intl reader in zoned-time.ts. */
export function localParts(at: Date, timeZone: string): LocalParts {
  const p = zonedParts(at, timeZone)
  return { date: isoDateOf(p), weekday: p.weekday, minutes: p.hour * 60 + p.minute }
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
