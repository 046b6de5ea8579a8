import { localParts } from './zoned-time.js'

/*
 * Local wall time of many instants in one time zone, fast: Intl's formatToParts costs microseconds a
 * call, which is most of a large export. The zone's offset is found once per UTC hour and reused
 * (checked at both ends of the hour, so an hour with an offset change is worked out per instant).
 */

const HOUR = 3_600_000

function offsetAt(ms: number, tz: string): number {
  const p = localParts(new Date(ms), tz)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000
}

export function localClock(tz: string) {
  const cache = new Map<number, number | null>()
  function offset(ms: number): number {
    const hour = Math.floor(ms / HOUR)
    let off = cache.get(hour)
    if (off === undefined) {
      const a = offsetAt(hour * HOUR, tz)
      off = a === offsetAt(hour * HOUR + HOUR - 1000, tz) ? a : null
      if (cache.size > 50_000) cache.clear()
      cache.set(hour, off)
    }
    return off ?? offsetAt(ms, tz)
  }
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
