import { describe, expect, it } from 'vitest'
import { DomainError } from '../../server/domain/errors.js'
import { assertRewardRedeemable, remainingForMember } from '../../server/domain/rewards.js'
import { assertStampAllowed, stampsAfter } from '../../server/domain/stamps.js'

const TZ = 'Europe/Warsaw'
const rules = { dailyLimit: 2, cooldownMinutes: 30, timeZone: TZ }

function code(fn: () => void): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof DomainError) return e.code
    throw e
  }
  return 'ok'
}

describe('stamp limits', () => {
  const now = new Date('2026-03-10T12:00:00.000Z')
  it('allows the first stamp of the day', () => {
    expect(code(() => assertStampAllowed(rules, [], now))).toBe('ok')
  })
  it('refuses a stamp within the cooldown and says when the next one can be added', () => {
    try {
      assertStampAllowed(rules, ['2026-03-10T11:45:00.000Z'], now)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError)
      expect((e as DomainError).code).toBe('stamp_cooldown')
      expect((e as DomainError).details).toEqual({ nextAt: '2026-03-10T12:15:00.000Z', waitMinutes: 15 })
    }
  })
  it('allows a stamp once the cooldown has passed exactly', () => {
    expect(code(() => assertStampAllowed(rules, ['2026-03-10T11:30:00.000Z'], now))).toBe('ok')
  })
  it('refuses a stamp beyond the daily limit', () => {
    expect(code(() => assertStampAllowed(rules, ['2026-03-10T08:00:00.000Z', '2026-03-10T09:00:00.000Z'], now))).toBe(
      'stamp_daily_limit',
    )
  })
  it('counts the day in the merchant timezone, not in UTC', () => {
    // 23:30 UTC on 9 March is 00:30 on 10 March in Warsaw: the same local day as now.
    const recent = ['2026-03-09T23:30:00.000Z', '2026-03-10T08:00:00.000Z']
    expect(code(() => assertStampAllowed(rules, recent, now))).toBe('stamp_daily_limit')
    // 22:30 UTC on 9 March is 23:30 on 9 March in Warsaw: yesterday.
    expect(code(() => assertStampAllowed(rules, ['2026-03-09T22:30:00.000Z', '2026-03-10T08:00:00.000Z'], now))).toBe(
      'ok',
    )
  })
  it('allows stamps again after local midnight', () => {
    const recent = ['2026-03-10T08:00:00.000Z', '2026-03-10T09:00:00.000Z']
    expect(code(() => assertStampAllowed(rules, recent, new Date('2026-03-10T23:00:00.000Z')))).toBe('ok') // 00:00 on 11 March
  })
  it('exchanges a full card for a coupon and starts again', () => {
    expect(stampsAfter(7, 8)).toEqual({ filled: 7, completed: false })
    expect(stampsAfter(8, 8)).toEqual({ filled: 0, completed: true })
  })
})

describe('reward limits', () => {
  const reward = { name: 'Free coffee', active: true, pointsCost: 150, stock: null, perMemberLimit: null }
  it('allows a reward the member can afford', () => {
    expect(code(() => assertRewardRedeemable(reward, 150, 0))).toBe('ok')
  })
  it('refuses when the balance is short, naming the cost and the balance', () => {
    try {
      assertRewardRedeemable(reward, 149, 0)
      expect.unreachable()
    } catch (e) {
      expect((e as DomainError).code).toBe('insufficient_balance')
      expect((e as DomainError).message).toBe('"Free coffee" costs 150 points; the card has 149.')
      expect((e as DomainError).details).toEqual({ balance: 149, cost: 150, missing: 1 })
    }
  })
  it('refuses once the member has taken it as often as allowed', () => {
    expect(code(() => assertRewardRedeemable({ ...reward, perMemberLimit: 2 }, 1000, 1))).toBe('ok')
    expect(code(() => assertRewardRedeemable({ ...reward, perMemberLimit: 2 }, 1000, 2))).toBe('reward_limit_reached')
  })
  it('refuses when out of stock and when no longer offered', () => {
    expect(code(() => assertRewardRedeemable({ ...reward, stock: 0 }, 1000, 0))).toBe('reward_out_of_stock')
    expect(code(() => assertRewardRedeemable({ ...reward, active: false }, 1000, 0))).toBe('not_found')
  })
  it('counts what a member has left of a limit', () => {
    expect(remainingForMember(null, 5)).toBeNull()
    expect(remainingForMember(3, 1)).toBe(2)
    expect(remainingForMember(3, 4)).toBe(0)
  })
})
