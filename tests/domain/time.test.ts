import { describe, expect, it } from 'vitest'
import { addLocalMonths, localParts, zonedToUtc } from '../../server/domain/time.js'

/*
 * localParts reads the wall clock through zone offsets kept per UTC hour rather than asking Intl for
 * every instant. This guards that it still says what Intl says, through clock changes, in zones whose
 * offsets are not whole hours and whose changes fall within a UTC hour.
 */

const ZONES = ['UTC', 'Europe/Warsaw', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Apia']
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }

const formats = new Map<string, Intl.DateTimeFormat>()
function intl(at: Date, tz: string) {
  const f =
    formats.get(tz) ??
    new Intl.DateTimeFormat('en-US', {
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
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]))
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS[p.weekday!],
  }
}

describe('localParts', () => {
  it('says what Intl says through a year of clock changes, in zones with odd offsets', () => {
    const from = Date.parse('2025-12-25T00:00:00Z')
    const to = Date.parse('2027-01-05T00:00:00Z')
    for (const tz of ZONES) {
      // An odd step (97 minutes 13 seconds), so every minute and second of the hour comes round.
      for (let ms = from; ms < to; ms += 97 * 60_000 + 13_000) {
        const { date: _d, minutes: _m, ...parts } = localParts(new Date(ms), tz)
        expect(parts, `${new Date(ms).toISOString()} in ${tz}`).toEqual(intl(new Date(ms), tz))
      }
    }
  })

  it('says what Intl says on each side of a clock change within a UTC hour', () => {
    // Lord Howe moves by half an hour at 02:00 local, 15:30 UTC on 3 October 2026; St John's (-03:30)
    // at 02:00 local, 05:30 UTC on 8 March 2026: both in the middle of a UTC hour.
    for (const [iso, tz] of [
      ['2026-10-03T15:00:00Z', 'Australia/Lord_Howe'],
      ['2026-10-03T15:29:59Z', 'Australia/Lord_Howe'],
      ['2026-10-03T15:30:00Z', 'Australia/Lord_Howe'],
      ['2026-10-03T15:59:59Z', 'Australia/Lord_Howe'],
      ['2026-03-08T05:00:00Z', 'America/St_Johns'],
      ['2026-03-08T05:29:59Z', 'America/St_Johns'],
      ['2026-03-08T05:30:00Z', 'America/St_Johns'],
      ['2026-03-29T00:59:59Z', 'Europe/Warsaw'],
      ['2026-03-29T01:00:00Z', 'Europe/Warsaw'],
    ] as const) {
      const { date: _d, minutes: _m, ...parts } = localParts(new Date(iso), tz)
      expect(parts, `${iso} in ${tz}`).toEqual(intl(new Date(iso), tz))
    }
    expect(zonedToUtc('Asia/Kathmandu', 2026, 6, 2).toISOString()).toBe('2026-06-01T18:15:00.000Z')
    // 01:30 in winter time, a month on 01:30 in summer time.
    expect(addLocalMonths(new Date('2026-03-29T00:30:00Z'), 1, 'Europe/Warsaw').toISOString()).toBe(
      '2026-04-28T23:30:00.000Z',
    )
  })
})
