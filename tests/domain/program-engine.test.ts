import { describe, expect, it } from 'vitest'
import { ProgramRules } from '../../server/contract/program.js'
import { birthdayChangeAllowed, birthdayYear, referralRefusal } from '../../server/domain/bonuses.js'
import { earnForPurchase, promotionActive } from '../../server/domain/earning-rules.js'
import { dueLots, lotExpiry, nextExpiry, replayLots, type LotEntry } from '../../server/domain/expiry.js'
import { previewRules, type PreviewEntry } from '../../server/domain/preview.js'
import { defaultRules, rulesFromVersion } from '../../server/domain/program-rules.js'
import {
  earnedInWindow,
  nextTier,
  onEarnDecision,
  qualifyingTier,
  reevaluationDecision,
  retentionGoal,
} from '../../server/domain/tiers.js'
import { addLocalMonths, localParts, zonedToUtc } from '../../server/domain/time.js'

const WAW = 'Europe/Warsaw'
// Tuesday 10 March 2026, 15:30 in Warsaw (UTC+1).
const TUE_1530 = new Date('2026-03-10T14:30:00Z')
const tuesdayPromo = {
  name: 'Tuesday promo',
  multiplier: 2,
  bonusPoints: 0,
  weekdays: [2],
  startTime: '14:00',
  endTime: '17:00',
  startDate: null,
  endDate: null,
}
const gold = { name: 'Gold', threshold: 500, multiplier: 1.5, perks: '' }
const silver = { name: 'Silver', threshold: 100, multiplier: 1.25, perks: '' }
const base = {
  amountMinor: 1250,
  discountMinor: 0,
  at: TUE_1530,
  timezone: WAW,
  currency: 'EUR',
  tier: null,
  earnedToday: 0,
}

describe('earning', () => {
  it('breaks the points down into base, visit, promotion, tier and cap parts that add up to them', () => {
    const promoWithBonus = { ...tuesdayPromo, bonusPoints: 3 }
    for (const amountMinor of [99, 500, 1250, 7777])
      for (const pointsPerVisit of [0, 2])
        for (const promotions of [[], [promoWithBonus]])
          for (const tier of [null, silver, gold])
            for (const dailyCapPoints of [null, 25])
              for (const discountMinor of [0, 300]) {
                const rules = { ...defaultRules(), pointsPerVisit, promotions, dailyCapPoints, minSpendMinor: 200 }
                const r = earnForPurchase({ ...base, amountMinor, discountMinor, tier, earnedToday: 10, rules })
                const b = r.breakdown
                const sum =
                  b.base +
                  b.visit +
                  (b.promotion?.points ?? 0) +
                  b.promotionBonuses.reduce((s, x) => s + x.points, 0) +
                  (b.tier?.points ?? 0) +
                  (b.cap?.points ?? 0)
                expect(sum).toBe(r.points)
                expect(b.belowMinimum).toBe(Math.max(0, amountMinor - discountMinor) < 200)
              }
  })

  it('earns the rate on the purchase and names it in the reason', () => {
    expect(earnForPurchase({ ...base, rules: defaultRules() })).toMatchObject({
      points: 12,
      reason: 'Purchase of 12.50 EUR',
    })
  })

  it('applies a promotion, then the tier multiplier, and says so', () => {
    const r = earnForPurchase({
      ...base,
      rules: defaultRules({ promotions: [tuesdayPromo], tiers: [silver, gold] }),
      tier: gold,
    })
    expect(r).toMatchObject({ points: 36, reason: 'Purchase of 12.50 EUR, x2 Tuesday promo, Gold x1.5' })
  })

  it("reads promotion days and hours in the merchant's timezone, end exclusive", () => {
    // 16:59 and 17:00 Warsaw time on a Tuesday; 13:59 UTC is 14:59 local, inside.
    expect(promotionActive(tuesdayPromo, new Date('2026-03-10T15:59:00Z'), WAW)).toBe(true)
    expect(promotionActive(tuesdayPromo, new Date('2026-03-10T16:00:00Z'), WAW)).toBe(false)
    expect(promotionActive(tuesdayPromo, new Date('2026-03-10T13:00:00Z'), WAW)).toBe(true)
    // Monday 23:30 UTC is already Tuesday 00:30 in Warsaw, but before 14:00.
    expect(
      promotionActive({ ...tuesdayPromo, startTime: '00:00', endTime: '01:00' }, new Date('2026-03-09T23:30:00Z'), WAW),
    ).toBe(true)
    expect(promotionActive(tuesdayPromo, new Date('2026-03-11T14:30:00Z'), WAW)).toBe(false)
  })

  it('runs a promotion only between its dates', () => {
    const dated = { ...tuesdayPromo, startDate: '2026-03-11', endDate: '2026-03-31' }
    expect(promotionActive(dated, TUE_1530, WAW)).toBe(false)
    expect(promotionActive(dated, new Date('2026-03-17T14:30:00Z'), WAW)).toBe(true)
  })

  it('adds a promotion bonus and the visit points', () => {
    const rules = defaultRules({ pointsPerVisit: 5, promotions: [{ ...tuesdayPromo, multiplier: 1, bonusPoints: 20 }] })
    expect(earnForPurchase({ ...base, rules })).toMatchObject({
      points: 37,
      reason: 'Purchase of 12.50 EUR, +5 per visit, +20 Tuesday promo',
    })
  })

  it('earns nothing below the minimum spend, and nothing on the part paid with a reward', () => {
    const rules = defaultRules({ minSpendMinor: 1000, pointsPerVisit: 5 })
    expect(earnForPurchase({ ...base, amountMinor: 999, rules }).points).toBe(0)
    expect(earnForPurchase({ ...base, amountMinor: 999, rules }).reason).toBe(
      'Purchase of 9.99 EUR, below the 10.00 EUR minimum',
    )
    const paid = earnForPurchase({ ...base, amountMinor: 2000, discountMinor: 500, rules: defaultRules() })
    expect(paid).toMatchObject({ points: 15, reason: 'Purchase of 20.00 EUR, 5.00 EUR paid with a reward' })
    // The discount also counts against the minimum spend.
    expect(earnForPurchase({ ...base, amountMinor: 1200, discountMinor: 300, rules }).points).toBe(0)
  })

  it('caps the points of a day at the daily cap', () => {
    const rules = defaultRules({ dailyCapPoints: 50 })
    expect(earnForPurchase({ ...base, amountMinor: 4000, earnedToday: 30, rules })).toMatchObject({
      points: 20,
      reason: 'Purchase of 40.00 EUR, daily cap of 50 reached',
    })
    expect(earnForPurchase({ ...base, earnedToday: 50, rules }).points).toBe(0)
  })
})

describe('rules validation', () => {
  it('reads a version made before the engine as its rate only, and the columns win over the JSON', () => {
    const old = rulesFromVersion({ points_per_unit: 3, unit_minor: 100, rounding: 'round', rules: null })
    expect(old).toMatchObject({
      pointsPerUnit: 3,
      rounding: 'round',
      tiers: [],
      promotions: [],
      expiry: { mode: 'none' },
      welcomeBonus: 0,
    })
    const stored = rulesFromVersion({
      points_per_unit: 2,
      unit_minor: 50,
      rounding: 'floor',
      rules: JSON.stringify({ welcomeBonus: 5, pointsPerUnit: 9 }),
    })
    expect(stored).toMatchObject({ pointsPerUnit: 2, unitMinor: 50, welcomeBonus: 5 })
  })

  it('refuses tier thresholds that do not increase, naming the field', () => {
    const r = ProgramRules.safeParse({ pointsPerUnit: 1, unitMinor: 100, tiers: [gold, silver] })
    expect(r.success).toBe(false)
    expect(r.error!.issues[0]).toMatchObject({
      path: ['tiers', 1, 'threshold'],
      message: 'tier thresholds must increase',
    })
  })

  it('refuses a promotion that ends before it starts', () => {
    const r = ProgramRules.safeParse({
      pointsPerUnit: 1,
      unitMinor: 100,
      promotions: [{ ...tuesdayPromo, startTime: '17:00', endTime: '14:00' }],
    })
    expect(r.error!.issues[0]).toMatchObject({ path: ['promotions', 0, 'endTime'] })
  })
})

const e = (
  id: string,
  kind: string,
  points: number,
  createdAt: string,
  lotExpiresAt: string | null = null,
  expiresEntryId: string | null = null,
): LotEntry => ({
  id,
  kind,
  points,
  createdAt,
  lotExpiresAt,
  expiresEntryId,
})

describe('expiry lots', () => {
  it('spends the oldest lot first: lots of 100 and 50, spend 120, then the first expires 0 points and the second 30', () => {
    const lots = replayLots([
      e('a', 'earn', 100, '2025-01-05T10:00:00Z', '2026-01-05T10:00:00Z'),
      e('b', 'earn', 50, '2025-02-05T10:00:00Z', '2026-02-05T10:00:00Z'),
      e('r', 'redeem', -120, '2025-03-01T10:00:00Z'),
    ])
    expect(lots.map((l) => l.remaining)).toEqual([0, 30])
    expect(
      dueLots(lots, new Date('2026-01-06T00:00:00Z'), { mode: 'afterEarn', months: 12, roundTo: 'none' }, null, WAW),
    ).toEqual([])
    expect(
      dueLots(lots, new Date('2026-02-06T00:00:00Z'), { mode: 'afterEarn', months: 12, roundTo: 'none' }, null, WAW),
    ).toEqual([{ lotId: 'b', points: 30 }])
  })

  it('lets any negative entry (reversal, adjust, expire) consume the oldest lots, and an expiry its own lot', () => {
    const lots = replayLots([
      e('a', 'earn', 10, '2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z'),
      e('b', 'bonus', 20, '2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z'),
      e('c', 'earn', 30, '2025-03-01T00:00:00Z'),
      e('x', 'expire', -20, '2025-03-02T00:00:00Z', null, 'b'),
      e('y', 'adjust', -5, '2025-03-03T00:00:00Z'),
      e('z', 'reversal', -10, '2025-03-04T00:00:00Z'),
    ])
    expect(lots.map((l) => [l.id, l.remaining])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 25],
    ])
  })

  it('never makes a second expiry for a lot already expired', () => {
    const entries = [e('a', 'earn', 40, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')]
    const rule = { mode: 'afterEarn' as const, months: 1, roundTo: 'none' as const }
    const now = new Date('2025-03-01T00:00:00Z')
    expect(dueLots(replayLots(entries), now, rule, null, WAW)).toEqual([{ lotId: 'a', points: 40 }])
    entries.push(e('x', 'expire', -40, '2025-03-01T00:00:00Z', null, 'a'))
    expect(dueLots(replayLots(entries), now, rule, null, WAW)).toEqual([])
  })

  it("rounds expiry to the end of the month in the merchant's timezone", () => {
    // Earned 31 Jan 2025 23:30 in Warsaw (22:30 UTC): 12 months later is January 2026; the month ends at local midnight.
    const at = new Date('2025-01-31T22:30:00Z')
    expect(lotExpiry(at, { mode: 'afterEarn', months: 12, roundTo: 'month' }, WAW)).toBe('2026-01-31T23:00:00.000Z')
    expect(lotExpiry(at, { mode: 'afterEarn', months: 1, roundTo: 'none' }, WAW)).toBe('2025-02-28T22:30:00.000Z')
    // Summer time: the end of June in Warsaw is 22:00 UTC.
    expect(lotExpiry(new Date('2025-06-10T12:00:00Z'), { mode: 'afterEarn', months: 12, roundTo: 'month' }, WAW)).toBe(
      '2026-06-30T22:00:00.000Z',
    )
    expect(lotExpiry(at, { mode: 'afterEarn', months: 3, roundTo: 'year' }, WAW)).toBe('2025-12-31T23:00:00.000Z')
    expect(lotExpiry(at, { mode: 'none' }, WAW)).toBeNull()
  })

  it('expires everything after the inactivity period, and shows the next expiry', () => {
    const lots = replayLots([e('a', 'earn', 10, '2025-01-01T00:00:00Z'), e('b', 'earn', 5, '2025-02-01T00:00:00Z')])
    // Six months after 1 Feb 01:00 Warsaw time is 1 Aug 01:00 summer time, 23:00 UTC the day before.
    const rule = { mode: 'inactivity' as const, months: 6 }
    expect(dueLots(lots, new Date('2025-07-31T00:00:00Z'), rule, '2025-02-01T00:00:00Z', WAW)).toEqual([])
    expect(dueLots(lots, new Date('2025-08-01T00:00:00Z'), rule, '2025-02-01T00:00:00Z', WAW)).toHaveLength(2)
    expect(nextExpiry(lots, new Date('2025-03-01T00:00:00Z'), rule, '2025-02-01T00:00:00Z', WAW)).toEqual({
      points: 15,
      at: '2025-07-31T23:00:00.000Z',
    })
  })

  it('shows the earliest dated expiry and its amount', () => {
    const lots = replayLots([
      e('a', 'earn', 10, '2025-01-01T00:00:00Z', '2026-01-31T23:00:00.000Z'),
      e('b', 'earn', 5, '2025-01-20T00:00:00Z', '2026-01-31T23:00:00.000Z'),
      e('c', 'earn', 7, '2025-02-01T00:00:00Z', '2026-02-28T23:00:00.000Z'),
      e('r', 'redeem', -4, '2025-03-01T00:00:00Z'),
    ])
    expect(
      nextExpiry(
        lots,
        new Date('2025-06-01T00:00:00Z'),
        { mode: 'afterEarn', months: 12, roundTo: 'month' },
        null,
        WAW,
      ),
    ).toEqual({
      points: 11,
      at: '2026-01-31T23:00:00.000Z',
    })
  })
})

describe('tiers', () => {
  const tiers = [silver, gold]
  const rolling = { kind: 'rolling' as const, months: 12 }

  it('counts points earned within the rolling window only, reversals against it', () => {
    const earnings = [
      { points: 300, at: '2025-02-01T00:00:00Z' },
      { points: 250, at: '2025-09-01T00:00:00Z' },
      { points: -50, at: '2025-09-01T00:05:00Z' },
    ]
    expect(earnedInWindow(earnings, new Date('2025-10-01T00:00:00Z'), rolling, WAW)).toBe(500)
    expect(earnedInWindow(earnings, new Date('2026-03-01T00:00:00Z'), rolling, WAW)).toBe(200)
    expect(earnedInWindow(earnings, new Date('2026-03-01T00:00:00Z'), { kind: 'calendarYear' }, WAW)).toBe(0)
  })

  it('upgrades at once on qualifying, but never downgrades at an award', () => {
    expect(qualifyingTier(499, tiers)).toBe(0)
    expect(qualifyingTier(500, tiers)).toBe(1)
    expect(onEarnDecision(0, 1)).toEqual({ action: 'up', to: 1 })
    expect(onEarnDecision(1, 0)).toEqual({ action: 'keep' })
  })

  it('downgrades only at re-evaluation, and only after the grace period since falling below', () => {
    const t1 = new Date('2026-03-01T00:00:00Z')
    expect(reevaluationDecision(1, 0, null, t1, 30)).toEqual({ action: 'markBelow' })
    const marked = t1.toISOString()
    expect(reevaluationDecision(1, 0, marked, new Date('2026-03-30T23:59:00Z'), 30)).toEqual({ action: 'keep' })
    expect(reevaluationDecision(1, 0, marked, new Date('2026-03-31T00:00:00Z'), 30)).toEqual({ action: 'down', to: 0 })
    expect(reevaluationDecision(1, 1, marked, new Date('2026-03-10T00:00:00Z'), 30)).toEqual({ action: 'clearBelow' })
    expect(reevaluationDecision(-1, 1, null, t1, 30)).toEqual({ action: 'up', to: 1 })
  })

  it('shows the points to the next tier', () => {
    expect(nextTier(380, 0, tiers)).toEqual({ name: 'Gold', threshold: 500, pointsNeeded: 120 })
    expect(nextTier(900, 1, tiers)).toBeNull()
  })

  it('says what keeps the tier: the points to earn before older points roll out of the window', () => {
    const earnings = [
      { points: 300, at: '2025-03-01T11:00:00Z' },
      { points: 220, at: '2025-06-01T10:00:00Z' },
    ]
    // On 1 Jan 2026 the card has 520; the 300 leave on 1 March 2026, leaving 220: earn 280 before then.
    const goal = retentionGoal(earnings, 1, tiers, rolling, new Date('2026-01-01T00:00:00Z'), WAW, null, 30)
    expect(goal).toEqual({ points: 280, by: '2026-03-01T10:59:59.999Z' })
  })

  it('gives the end of the grace period as the deadline once the card is below', () => {
    const goal = retentionGoal(
      [{ points: 420, at: '2025-12-01T00:00:00Z' }],
      1,
      tiers,
      rolling,
      new Date('2026-01-10T00:00:00Z'),
      WAW,
      '2026-01-05T00:00:00Z',
      30,
    )
    expect(goal).toEqual({ points: 80, by: '2026-02-03T23:59:59.999Z' })
  })
})

describe('bonuses', () => {
  it('finds the birthday within the window, across a year boundary, once per birthday year', () => {
    // Birthday 2 January; window 7 days; on 28 December 2025 (local) it is the 2026 birthday.
    expect(birthdayYear('1990-01-02', new Date('2025-12-28T12:00:00Z'), WAW, 7)).toBe(2026)
    expect(birthdayYear('1990-01-02', new Date('2026-01-08T12:00:00Z'), WAW, 7)).toBe(2026)
    expect(birthdayYear('1990-01-02', new Date('2026-01-10T12:00:00Z'), WAW, 7)).toBeNull()
    // Birthday 30 December; on 3 January 2026 it is still the 2025 birthday.
    expect(birthdayYear('1990-12-30', new Date('2026-01-03T12:00:00Z'), WAW, 7)).toBe(2025)
  })

  it("reads the day in the merchant's timezone", () => {
    // 23:30 UTC on 24 March is already 25 March in Warsaw.
    expect(birthdayYear('1990-03-25', new Date('2026-03-24T23:30:00Z'), WAW, 0)).toBe(2026)
    expect(birthdayYear('1990-03-25', new Date('2026-03-24T22:30:00Z'), WAW, 0)).toBeNull()
  })

  it('keeps a 29 February birthday on 28 February in other years', () => {
    expect(birthdayYear('2000-02-29', new Date('2026-02-28T12:00:00Z'), WAW, 0)).toBe(2026)
    expect(birthdayYear('2000-02-29', new Date('2028-02-29T12:00:00Z'), WAW, 0)).toBe(2028)
    expect(birthdayYear('2000-02-29', new Date('2028-02-28T12:00:00Z'), WAW, 0)).toBeNull()
  })

  it('lets a birthday be set once and changed at most once a year', () => {
    const now = new Date('2026-03-10T00:00:00Z')
    expect(birthdayChangeAllowed(null, null, now).ok).toBe(true)
    expect(birthdayChangeAllowed('1990-01-01', null, now).ok).toBe(true)
    expect(birthdayChangeAllowed('1990-01-01', '2025-06-01T00:00:00Z', now)).toEqual({
      ok: false,
      from: '2026-06-01T00:00:00.000Z',
    })
    expect(birthdayChangeAllowed('1990-01-01', '2025-03-10T00:00:00Z', now).ok).toBe(true)
  })

  it('refuses a referral of oneself, by the same member or the same email', () => {
    expect(referralRefusal({ customerId: 'a', email: null }, { customerId: 'a', email: null })).toBe('self')
    expect(referralRefusal({ customerId: 'a', email: 'Ann@x.test' }, { customerId: 'b', email: 'ann@x.test ' })).toBe(
      'self',
    )
    expect(
      referralRefusal({ customerId: 'a', email: 'ann@x.test' }, { customerId: 'b', email: 'bob@x.test' }),
    ).toBeNull()
    expect(referralRefusal({ customerId: 'a', email: null }, { customerId: 'b', email: null })).toBeNull()
  })
})

describe('local time', () => {
  it('converts local wall time to UTC across daylight saving changes', () => {
    expect(zonedToUtc(WAW, 2026, 3, 29, 12).toISOString()).toBe('2026-03-29T10:00:00.000Z')
    expect(zonedToUtc(WAW, 2026, 3, 28, 12).toISOString()).toBe('2026-03-28T11:00:00.000Z')
    expect(localParts(new Date('2026-03-29T10:00:00Z'), WAW)).toMatchObject({ hour: 12, weekday: 7 })
    expect(addLocalMonths(new Date('2026-01-31T11:00:00Z'), 1, WAW).toISOString()).toBe('2026-02-28T11:00:00.000Z')
  })
})

describe('90-day preview', () => {
  const p = (
    id: string,
    points: number,
    amountMinor: number | null,
    createdAt: string,
    kind = 'earn',
  ): PreviewEntry => ({
    id,
    cardId: 'c',
    kind,
    points,
    createdAt,
    amountMinor,
    reversed: false,
    lotExpiresAt: null,
    expiresEntryId: null,
  })

  it('replays the purchases of the last 90 days under the proposed rules', () => {
    const now = new Date('2026-03-10T12:00:00Z')
    const cards = new Map([
      [
        'c',
        [
          p('old', 50, 5000, '2025-10-01T10:00:00Z'),
          p('a', 20, 2000, '2026-02-01T10:00:00Z'),
          p('b', 30, 3000, '2026-03-01T10:00:00Z'),
          p('w', 10, null, '2026-01-01T10:00:00Z', 'bonus'),
        ],
      ],
      ['d', [p('x', 5, 500, '2026-03-02T10:00:00Z')]],
    ])
    const current = previewRules(cards, defaultRules(), now, WAW, 'EUR')
    expect(current).toMatchObject({ pointsIssued: 55, purchases: 3, expiringNextMonth: 0 })
    const doubled = defaultRules({
      pointsPerUnit: 2,
      tiers: [{ name: 'Silver', threshold: 100, multiplier: 1, perks: '' }],
      expiry: { mode: 'afterEarn', months: 6, roundTo: 'month' },
    })
    const proposed = previewRules(cards, doubled, now, WAW, 'EUR')
    expect(proposed.pointsIssued).toBe(110)
    // Card c: 50 old + 10 bonus + 40 + 60 = 160 >= 100; card d: 10.
    expect(proposed.membersPerTier).toEqual([
      { tier: null, members: 1 },
      { tier: 'Silver', members: 1 },
    ])
    // The 50 earned 1 October 2025 expire at the end of April 2026, the month after March.
    expect(proposed.expiringNextMonth).toBe(50)
  })
})
