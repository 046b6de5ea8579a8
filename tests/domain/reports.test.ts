import { describe, expect, it } from 'vitest'
import {
  difference,
  holdoutGroup,
  liftReport,
  MIN_GROUP_SIZE,
  visitsAndSpend,
  type MemberOutcome,
} from '../../server/domain/campaign-lift.js'
import { csvField, csvRow, decimalOf, formatMinor, toCsv } from '../../server/domain/csv.js'
import { DAY_MS, localClock, localParts } from '../../server/domain/time.js'
import {
  isOpen,
  offHoursAlerts,
  rateAlerts,
  repeatCardAlerts,
  type Award,
  type OpeningHours,
} from '../../server/domain/staff-anomalies.js'

describe('campaign lift statistics', () => {
  it('gives the difference of means with a Welch 95% interval computed by hand', () => {
    // target mean 2, sample variance 10/4 = 2.5; holdout mean 1, variance 2/4 = 0.5
    // se = sqrt(2.5/5 + 0.5/5) = sqrt(0.6) = 0.774597; 1.959964 x se = 1.518181
    const d = difference([2, 3, 1, 4, 0], [1, 1, 0, 2, 1])
    expect(d.targetMean).toBe(2)
    expect(d.holdoutMean).toBe(1)
    expect(d.lift).toBe(1)
    expect(d.se).toBeCloseTo(0.774597, 6)
    expect(d.low).toBeCloseTo(-0.518181, 5)
    expect(d.high).toBeCloseTo(2.518181, 5)
  })

  it('holds out about the asked share, the same way every time', () => {
    const cards = Array.from({ length: 4000 }, (_, i) => `card-${i}`)
    const held = cards.filter((c) => holdoutGroup('campaign-1', c, 20) === 'holdout').length
    expect(held / cards.length).toBeGreaterThan(0.18)
    expect(held / cards.length).toBeLessThan(0.22)
    expect(cards.map((c) => holdoutGroup('campaign-1', c, 20))).toEqual(
      cards.map((c) => holdoutGroup('campaign-1', c, 20)),
    )
    expect(cards.every((c) => holdoutGroup('campaign-1', c, 0) === 'target')).toBe(true)
  })

  it('draws a different holdout for another campaign', () => {
    const cards = Array.from({ length: 200 }, (_, i) => `card-${i}`)
    const a = cards.filter((c) => holdoutGroup('campaign-a', c, 30) === 'holdout')
    const b = cards.filter((c) => holdoutGroup('campaign-b', c, 30) === 'holdout')
    expect(a).not.toEqual(b)
  })

  it("counts a visit per local day in the merchant's time zone, and spend as the sum", () => {
    // 23:30 UTC on the 9th and 00:30 UTC on the 10th are both the 10th in Warsaw (UTC+1).
    const v = visitsAndSpend(
      [
        { at: '2026-03-09T23:30:00.000Z', amountMinor: 500 },
        { at: '2026-03-10T00:30:00.000Z', amountMinor: 250 },
        { at: '2026-03-11T12:00:00.000Z', amountMinor: 1000 },
      ],
      'Europe/Warsaw',
    )
    expect(v).toEqual({ visits: 2, spend: 1750 })
  })

  const members = (n: number, group: 'target' | 'holdout', assignedAt: string, visits = 1): MemberOutcome[] =>
    Array.from({ length: n }, () => ({ group, assignedAt, visits, spend: visits * 100, redemptions: 0 }))

  it("says too early until a member's 30-day window has ended, then not enough data for small groups", () => {
    const at = '2026-03-01T10:00:00.000Z'
    const all = [...members(20, 'target', at), ...members(3, 'holdout', at)]
    expect(liftReport(10, all, new Date(Date.parse(at) + 29 * DAY_MS)).status).toBe('too_early')
    const r = liftReport(10, all, new Date(Date.parse(at) + 30 * DAY_MS))
    expect(r.status).toBe('not_enough_data')
    expect(r.measured).toEqual({ target: 20, holdout: 3 })
    expect(liftReport(0, members(5, 'target', at), new Date(Date.parse(at) + 40 * DAY_MS)).status).toBe('no_holdout')
  })

  it('reports extra visits as the lift times the target size', () => {
    const at = '2026-03-01T10:00:00.000Z'
    const all = [...members(30, 'target', at, 2), ...members(MIN_GROUP_SIZE, 'holdout', at, 1)]
    const r = liftReport(25, all, new Date(Date.parse(at) + 31 * DAY_MS))
    expect(r.status).toBe('ready')
    expect(r.visits!.lift).toBe(1)
    expect(r.extraVisits).toEqual({ value: 30, low: 30, high: 30 })
    expect(r.spend!.lift).toBe(100)
  })
})

const award = (id: string, createdAt: string, over: Partial<Award> = {}): Award => ({
  id,
  cardId: 'card-1',
  staffId: 'staff-1',
  createdAt,
  ...over,
})
const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString()

describe('staff anomaly rules', () => {
  const hour = '2026-03-10T12:00:00.000Z'
  const burst = (n: number) =>
    Array.from({ length: n }, (_, i) => award(`a${i}`, at(hour, i * 3), { cardId: `card-${i}` }))

  it("flag an hour above three times the staff member's median hourly count", () => {
    // Hours with awards in the last 28 days: 2, 4, 4, 6 -> median 4 -> threshold 12.
    const history = ['2026-03-01T10', '2026-03-02T10', '2026-03-03T10', '2026-03-04T10'].map((h, i) => ({
      staffId: 'staff-1',
      hour: h,
      n: [2, 4, 4, 6][i]!,
    }))
    expect(rateAlerts(burst(12), history)).toEqual([])
    const [a, ...rest] = rateAlerts(burst(13), history)
    expect(rest).toEqual([])
    expect(a).toMatchObject({
      rule: 'rate',
      key: 'rate:staff-1:2026-03-10T12',
      count: 13,
      threshold: 12,
      windowStart: hour,
      windowEnd: '2026-03-10T13:00:00.000Z',
    })
    expect(a!.entryIds).toHaveLength(13)
  })

  it('use the floor of 10 when the norm is low, and ignore history older than 28 days', () => {
    const old = [{ staffId: 'staff-1', hour: '2026-02-01T10', n: 50 }]
    expect(rateAlerts(burst(10), old)).toEqual([])
    expect(rateAlerts(burst(11), old)).toHaveLength(1)
    expect(rateAlerts(burst(11), [])[0]!.threshold).toBe(10)
  })

  it('flag the same card awarded three times within 10 minutes, once per run', () => {
    const t0 = '2026-03-10T12:00:00.000Z'
    const alerts = repeatCardAlerts([
      award('e1', t0),
      award('e2', at(t0, 4)),
      award('e3', at(t0, 9)),
      award('e4', at(t0, 15)),
    ])
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({
      rule: 'repeat_card',
      key: 'repeat_card:card-1:e1',
      cardId: 'card-1',
      count: 4,
      entryIds: ['e1', 'e2', 'e3', 'e4'],
    })
  })

  it('do not flag normal repeat visits: exactly 10 minutes apart, or a steady 6-minute rhythm', () => {
    const t0 = '2026-03-10T12:00:00.000Z'
    expect(repeatCardAlerts([award('e1', t0), award('e2', at(t0, 5)), award('e3', at(t0, 10))])).toEqual([])
    expect(repeatCardAlerts([award('e1', t0), award('e2', at(t0, 12)), award('e3', at(t0, 24))])).toEqual([])
    expect(
      repeatCardAlerts([
        award('e1', t0),
        award('e2', at(t0, 1), { cardId: 'card-2' }),
        award('e3', at(t0, 2), { cardId: 'card-3' }),
      ]),
    ).toEqual([])
  })

  // Monday to Friday 08:00-18:00, Saturday 09:00-01:00 (past midnight), closed on Sunday.
  const day = { open: '08:00', close: '18:00' }
  const hours: OpeningHours = [day, day, day, day, day, { open: '09:00', close: '01:00' }, null]
  const tz = 'Europe/Warsaw'

  it("know the opening hours in the merchant's time zone, past midnight included", () => {
    // 2026-03-09 is a Monday; Warsaw is UTC+1 in March.
    expect(isOpen(hours, new Date('2026-03-09T06:59:00Z'), tz)).toBe(false) // 07:59
    expect(isOpen(hours, new Date('2026-03-09T07:00:00Z'), tz)).toBe(true) // 08:00
    expect(isOpen(hours, new Date('2026-03-09T17:00:00Z'), tz)).toBe(false) // 18:00
    expect(isOpen(hours, new Date('2026-03-14T23:30:00Z'), tz)).toBe(true) // Sunday 00:30, Saturday's hours
    expect(isOpen(hours, new Date('2026-03-15T12:00:00Z'), tz)).toBe(false) // Sunday noon
  })

  it('flag awards outside opening hours once per staff member and local day, and nothing without hours', () => {
    const awards = [
      award('e1', '2026-03-09T06:30:00.000Z'), // Monday 07:30 local
      award('e2', '2026-03-09T17:10:00.000Z'), // Monday 18:10 local
      award('e3', '2026-03-09T12:00:00.000Z'), // Monday 13:00: open
      award('e4', '2026-03-15T12:00:00.000Z', { staffId: 'staff-2' }), // Sunday: closed
    ]
    const alerts = offHoursAlerts(awards, hours, tz)
    expect(alerts.map((a) => [a.key, a.count, a.entryIds])).toEqual([
      ['off_hours:staff-1:2026-03-09', 2, ['e1', 'e2']],
      ['off_hours:staff-2:2026-03-15', 1, ['e4']],
    ])
    expect(offHoursAlerts(awards, null, tz)).toEqual([])
  })
})

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvRow(['a', 'b,c', 'say "hi"', 'two\nlines', null, 42])).toBe('a,"b,c","say ""hi""","two\nlines",,42\r\n')
  })

  it('defuses values a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(['+1', '-2', '@SUM(A1)', '\tx', '\rx'].map(csvField)).toEqual(["'+1", "'-2", "'@SUM(A1)", "'\tx", '"\'\rx"'])
    expect(csvField(-40)).toBe('-40')
  })

  it("writes money with the currency's digits", () => {
    expect(formatMinor(1250, 2)).toBe('12.50')
    expect(formatMinor(-5, 2)).toBe('-0.05')
    expect(formatMinor(300, 0)).toBe('300')
    expect(decimalOf(1250, 'EUR')).toBe('12.50')
    expect(decimalOf(1250, 'JPY')).toBe('1250')
  })

  it('writes a whole file: a header row naming the columns, CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n')
  })
})

describe('local clock', () => {
  it('gives the same local times as Intl, across a daylight-saving change and in a half-hour zone', () => {
    for (const tz of ['Europe/Warsaw', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns']) {
      const clock = localClock(tz)
      // Every 7 minutes over the spring change in Europe (29 March) and Lord Howe's (5 October, at 02:00 local = 15:30 UTC).
      for (const start of [Date.parse('2026-03-28T20:00:00Z'), Date.parse('2026-10-03T12:00:00Z')]) {
        for (let ms = start; ms < start + 2 * DAY_MS; ms += 7 * 60_000 + 13_000) {
          const p = localParts(new Date(ms), tz)
          const pad = (n: number) => String(n).padStart(2, '0')
          const iso = new Date(ms).toISOString()
          expect(clock.stamp(iso), `${tz} ${iso}`).toBe(
            `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`,
          )
        }
      }
    }
  })
})
