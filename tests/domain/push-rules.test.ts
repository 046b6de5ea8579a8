import { describe, expect, it } from 'vitest'
import { loadConfig, vapidSubjectProblem } from '../../server/config.js'
import {
  birthdayDue,
  fillTemplate,
  inQuietHours,
  isBirthdayOn,
  localParts,
  nextSendTime,
} from '../../server/domain/push-rules.js'
import { retryAfterMs } from '../../server/push/web-push.js'
import { backoffMs } from '../../server/services/push/sender.js'

describe('quiet hours', () => {
  it('wrap midnight: 21:00-09:00 holds 23:00 and 08:59 but not 09:00 or 20:59', () => {
    expect(inQuietHours(23 * 60, '21:00', '09:00')).toBe(true)
    expect(inQuietHours(8 * 60 + 59, '21:00', '09:00')).toBe(true)
    expect(inQuietHours(9 * 60, '21:00', '09:00')).toBe(false)
    expect(inQuietHours(20 * 60 + 59, '21:00', '09:00')).toBe(false)
  })

  it('defer a send to 09:00 merchant time, across a daylight-saving change', () => {
    // Warsaw moves to summer time at 02:00 on 29 March 2026: 09:00 local is then 07:00 UTC.
    expect(nextSendTime(new Date('2026-03-28T22:00:00Z'), 'Europe/Warsaw', '21:00', '09:00').toISOString()).toBe(
      '2026-03-29T07:00:00.000Z',
    )
    expect(nextSendTime(new Date('2026-03-10T20:30:00Z'), 'Europe/Warsaw', '21:00', '09:00').toISOString()).toBe(
      '2026-03-11T08:00:00.000Z',
    )
  })

  it('let a send outside them go now', () => {
    const now = new Date('2026-03-10T12:34:56Z')
    expect(nextSendTime(now, 'Europe/Warsaw', '21:00', '09:00')).toEqual(now)
  })
})

describe('birthdays', () => {
  it("fall on the merchant's local date, not UTC", () => {
    expect(localParts(new Date('2026-03-09T23:30:00Z'), 'Europe/Warsaw').date).toBe('2026-03-10')
    expect(birthdayDue('1990-03-10', new Date('2026-03-09T23:30:00Z'), 'Europe/Warsaw')).toBe('2026')
    expect(birthdayDue('1990-03-10', new Date('2026-03-09T23:30:00Z'), 'UTC', 0)).toBeNull()
  })

  it('keep 29 February on 28 February in other years', () => {
    expect(isBirthdayOn('2000-02-29', '2027-02-28')).toBe(true)
    expect(isBirthdayOn('2000-02-29', '2028-02-28')).toBe(false)
    expect(isBirthdayOn('2000-02-29', '2028-02-29')).toBe(true)
  })

  it('are caught up for two days after the day, with the year they belong to', () => {
    expect(birthdayDue('1990-12-31', new Date('2027-01-02T12:00:00Z'), 'UTC')).toBe('2026')
    expect(birthdayDue('1990-12-31', new Date('2027-01-03T12:00:00Z'), 'UTC')).toBeNull()
  })
})

describe('message templates', () => {
  it('fill {name} {points} {merchant} and leave unknown placeholders', () => {
    expect(
      fillTemplate('Hi {name}, {points} points at {merchant} {other}', { name: 'Ada', points: 40, merchant: 'Café' }),
    ).toBe('Hi Ada, 40 points at Café {other}')
  })
})

describe("the sender's waits", () => {
  it('read Retry-After as seconds or as a date', () => {
    const now = new Date('2026-03-10T12:00:00Z')
    expect(retryAfterMs('120', now)).toBe(120_000)
    expect(retryAfterMs('Tue, 10 Mar 2026 12:05:00 GMT', now)).toBe(300_000)
    expect(retryAfterMs(null, now)).toBe(60_000)
  })
  it('back off exponentially up to an hour', () => {
    expect([1, 2, 3].map(backoffMs)).toEqual([30_000, 60_000, 120_000])
    expect(backoffMs(20)).toBe(3_600_000)
  })
})

describe('VAPID_SUBJECT', () => {
  const prod = { NODE_ENV: 'production', PUBLIC_URL: 'https://loyalty.example.com' }
  it('must be a reachable mailto: or https: in production', () => {
    for (const bad of [
      'http://example.com',
      'mailto:me@localhost',
      'https://shop.local',
      'mailto:push@loyalty-wallet.invalid',
      'not a url',
      'https://localhost:8443',
    ]) {
      expect(vapidSubjectProblem(bad), bad).not.toBeNull()
      expect(() => loadConfig({ ...prod, VAPID_SUBJECT: bad }), bad).toThrow(/VAPID_SUBJECT/)
    }
    expect(() => loadConfig(prod)).toThrow(/VAPID_SUBJECT .* unusable/)
    for (const good of ['mailto:owner@cafe.example.com', 'https://cafe.example.com/contact']) {
      expect(vapidSubjectProblem(good)).toBeNull()
      expect(loadConfig({ ...prod, VAPID_SUBJECT: good }).push.vapidSubject).toBe(good)
    }
  })
  it('has a development default', () => {
    expect(loadConfig({}).push.vapidSubject).toMatch(/^mailto:/)
  })
})
