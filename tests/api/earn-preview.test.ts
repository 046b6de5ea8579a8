import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProgramRulesInput } from '../../server/contract/program.js'
import { currentCode, idemKey, joinedCustomer, merchantWithOwner, scan } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await makeTestApp()
})
afterAll(() => t.close())

// T0 is Tuesday 10 March 2026, 13:00 in Warsaw.
const promo = { name: 'Happy hour', multiplier: 2, bonusPoints: 3, weekdays: [1, 2, 3, 4, 5, 6, 7] }
const tiers = [
  { name: 'Silver', threshold: 10, multiplier: 1.25 },
  { name: 'Gold', threshold: 40, multiplier: 1.5, perks: 'free refill on filter coffee' },
]

interface Program {
  label: string
  rules: Partial<ProgramRulesInput>
}

/** Every combination of visit points, a running promotion, tiers (the member at Gold) and a daily cap. */
function programs(): Program[] {
  const out: Program[] = []
  for (const visit of [0, 1])
    for (const withPromo of [false, true])
      for (const withTiers of [false, true])
        for (const cap of [null, 60]) {
          out.push({
            label: `visit ${visit}, ${withPromo ? 'promo' : 'no promo'}, ${withTiers ? 'Gold' : 'no tiers'}, cap ${cap}`,
            rules: {
              pointsPerVisit: visit,
              promotions: withPromo ? [promo] : [],
              tiers: withTiers ? tiers : [],
              dailyCapPoints: cap,
              minSpendMinor: 300,
            },
          })
        }
  return out
}

const purchases = [
  { amountMinor: 500, discountMinor: 0 },
  { amountMinor: 1250, discountMinor: 0 },
  { amountMinor: 1999, discountMinor: 250 },
  // Below the minimum once the reward-paid part is taken off.
  { amountMinor: 600, discountMinor: 400 },
]

describe('the till preview', () => {
  it.each(programs())('equals the award: $label', async ({ rules }) => {
    const m = await merchantWithOwner(t)
    const saved = await m.owner.req('PUT', '/api/merchant/program', {
      rules: { pointsPerUnit: 1, unitMinor: 100, ...rules },
    })
    expect(saved.status).toBe(200)
    const { card } = await joinedCustomer(t, m.slug)
    const handle = await scan(t, m.owner, card)
    if (rules.tiers?.length) {
      // One big purchase takes the member to Gold; the scan then shows the tier and its perks.
      const big = await m.owner.post('/api/staff/earn', { handle, amountMinor: 5000 }, { 'idempotency-key': idemKey() })
      expect(big.status).toBe(201)
      const again = await m.owner.post('/api/staff/scan', { code: currentCode(t, card) })
      expect(again.body.card.tier).toEqual({ name: 'Gold', multiplier: 1.5, perks: 'free refill on filter coffee' })
      t.clock.advance(30_000)
    }
    for (const p of purchases) {
      const preview = await m.owner.post('/api/staff/earn/preview', { handle, ...p })
      expect(preview.status).toBe(200)
      const b = preview.body.breakdown
      const parts =
        b.base +
        b.visit +
        (b.promotion?.points ?? 0) +
        b.promotionBonuses.reduce((s: number, x: { points: number }) => s + x.points, 0) +
        (b.tier?.points ?? 0) +
        (b.cap?.points ?? 0)
      expect(parts).toBe(preview.body.points)
      const award = await m.owner.post('/api/staff/earn', { handle, ...p }, { 'idempotency-key': idemKey() })
      expect(award.status).toBe(201)
      expect({ points: award.body.entry.points, reason: award.body.entry.reason }).toEqual({
        points: preview.body.points,
        reason: preview.body.reason,
      })
    }
  })

  it('tells the truth of the issue: 5.00 with a visit point at Gold x1.5 is 9, and 12.50 with a visit point is 13', async () => {
    const m = await merchantWithOwner(t)
    await m.owner.req('PUT', '/api/merchant/program', {
      rules: { pointsPerUnit: 1, unitMinor: 100, pointsPerVisit: 1, tiers },
    })
    const gold = await joinedCustomer(t, m.slug)
    let handle = await scan(t, m.owner, gold.card)
    await m.owner.post('/api/staff/earn', { handle, amountMinor: 5000 }, { 'idempotency-key': idemKey() })
    const five = await m.owner.post('/api/staff/earn/preview', { handle, amountMinor: 500 })
    expect(five.body).toMatchObject({
      points: 9,
      breakdown: { base: 5, visit: 1, tier: { name: 'Gold', multiplier: 1.5, points: 3 }, cap: null },
    })
    const plain = await joinedCustomer(t, m.slug, 'Bea')
    handle = await scan(t, m.owner, plain.card)
    const twelve = await m.owner.post('/api/staff/earn/preview', { handle, amountMinor: 1250 })
    expect(twelve.body).toMatchObject({ points: 13, breakdown: { base: 12, visit: 1, tier: null } })
  })

  it('writes nothing, and needs a fresh handle of this merchant', async () => {
    const m = await merchantWithOwner(t)
    const other = await merchantWithOwner(t)
    const { card } = await joinedCustomer(t, m.slug)
    const handle = await scan(t, m.owner, card)
    expect((await other.owner.post('/api/staff/earn/preview', { handle, amountMinor: 500 })).status).toBe(410)
    expect((await m.owner.post('/api/staff/earn/preview', { handle, amountMinor: 0 })).status).toBe(400)
    expect((await m.owner.post('/api/staff/earn/preview', { handle, amountMinor: 500 })).body.points).toBe(5)
    const entries = await t.db.selectFrom('ledger_entries').select('id').where('card_id', '=', card.id).execute()
    expect(entries).toHaveLength(0)
    t.clock.advance(6 * 60_000)
    expect((await m.owner.post('/api/staff/earn/preview', { handle, amountMinor: 500 })).status).toBe(410)
  })
})
