import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TestClient } from '../helpers/test-app.js'
import { addStaff, idemKey, joinedCustomer, merchantWithOwner, scan } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const settings = {
  stampsRequired: 3,
  rewardTitle: 'Free coffee',
  rewardTerms: 'Any size',
  rewardValidDays: 14,
  dailyLimit: 2,
  cooldownMinutes: 30,
  active: true,
}
const count = async (table: string) => ((await get(t.db, `select count(*) n from ${table}`)) as { n: number }).n

async function setup(over: Partial<typeof settings> = {}) {
  const m = await merchantWithOwner(t)
  const cashier = await addStaff(t, m.merchantId, 'cashier')
  const customer = await joinedCustomer(t, m.slug)
  const res = await m.owner.req('PUT', '/api/merchant/stamp-card', { ...settings, ...over })
  expect(res.status).toBe(200)
  return { ...m, cashier, ...customer }
}

async function stamp(staff: TestClient, card: { cardNumber: string; totpSecret: string }, key = idemKey()) {
  const handle = await scan(t, staff, card)
  return staff.post('/api/staff/stamps', { handle }, { 'idempotency-key': key })
}

describe('stamp card settings', () => {
  it('lets an owner or manager set the stamp card; a cashier can read it but not change it', async () => {
    const { cashier, merchantId, owner } = await setup()
    const manager = await addStaff(t, merchantId, 'manager')
    expect(
      (await manager.req('PUT', '/api/merchant/stamp-card', { ...settings, stampsRequired: 8 })).body.stampCard
        .stampsRequired,
    ).toBe(8)
    expect((await cashier.get('/api/merchant/stamp-card')).body.stampCard).toMatchObject({
      stampsRequired: 8,
      dailyLimit: 2,
    })
    const put = await cashier.req('PUT', '/api/merchant/stamp-card', settings)
    expect(put.status).toBe(403)
    expect((await owner.get('/api/merchant/stamp-card')).body.stampCard.stampsRequired).toBe(8)
  })

  it('answers null for a merchant without a stamp card, and refuses stamps there', async () => {
    const m = await merchantWithOwner(t)
    const { card } = await joinedCustomer(t, m.slug)
    expect((await m.owner.get('/api/merchant/stamp-card')).body).toEqual({ stampCard: null })
    const res = await stamp(m.owner, card)
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('stamps_not_enabled')
  })
})

describe('stamps at the till', () => {
  it('fills the card and issues the reward coupon with the stamp that completes it', async () => {
    const { cashier, card, client } = await setup({ dailyLimit: 5, cooldownMinutes: 0 })
    const first = await stamp(cashier, card)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ stamps: { filled: 1, required: 3, rewardTitle: 'Free coffee' }, coupon: null })
    expect((await stamp(cashier, card)).body.stamps.filled).toBe(2)
    const third = await stamp(cashier, card)
    expect(third.body.stamps.filled).toBe(0)
    expect(third.body.coupon).toMatchObject({
      title: 'Free coffee',
      source: 'stamps',
      state: 'active',
      description: 'Any size',
    })
    const perks = await client.get(`/api/me/cards/${card.id}/perks`)
    expect(perks.body.stamps).toMatchObject({ filled: 0, required: 3 })
    expect(perks.body.coupons).toHaveLength(1)
    expect((await stamp(cashier, card)).body.stamps.filled).toBe(1)
    expect(await count('ledger_entries')).toBe(0) // stamps never move points
  })

  it('refuses a stamp within the cooldown and allows it after', async () => {
    const { cashier, card } = await setup()
    expect((await stamp(cashier, card)).status).toBe(201)
    t.clock.advance(10 * 60_000)
    const soon = await stamp(cashier, card)
    expect(soon.status).toBe(422)
    expect(soon.body.error.code).toBe('stamp_cooldown')
    expect(soon.body.error.details.waitMinutes).toBeGreaterThan(0)
    t.clock.advance(20 * 60_000)
    expect((await stamp(cashier, card)).status).toBe(201)
  })

  it("refuses a stamp beyond the daily limit until the merchant's next local day", async () => {
    const { cashier, card, merchantId } = await setup({ cooldownMinutes: 0 })
    expect((await stamp(cashier, card)).status).toBe(201)
    expect((await stamp(cashier, card)).status).toBe(201)
    const third = await stamp(cashier, card)
    expect(third.status).toBe(422)
    expect(third.body.error.code).toBe('stamp_daily_limit')
    t.clock.set('2026-03-10T23:00:00.000Z') // midnight in Warsaw
    const night = await addStaff(t, merchantId, 'cashier')
    expect((await stamp(night, card)).status).toBe(201)
    expect(await count('stamps')).toBe(3)
  })

  it('replays a retried stamp with the same Idempotency-Key instead of adding a second one', async () => {
    const { cashier, card } = await setup()
    const handle = await scan(t, cashier, card)
    const key = idemKey()
    const a = await cashier.post('/api/staff/stamps', { handle }, { 'idempotency-key': key })
    const b = await cashier.post('/api/staff/stamps', { handle }, { 'idempotency-key': key })
    expect(a.status).toBe(201)
    expect(b.body).toEqual(a.body)
    expect(await count('stamps')).toBe(1)
  })

  it('does not stamp a card on a handle of another merchant', async () => {
    const { cashier, card } = await setup()
    const handle = await scan(t, cashier, card)
    const other = await merchantWithOwner(t)
    await other.owner.req('PUT', '/api/merchant/stamp-card', settings)
    const res = await other.owner.post('/api/staff/stamps', { handle }, { 'idempotency-key': idemKey() })
    expect(res.status).toBe(410)
    expect(await count('stamps')).toBe(0)
  })
})

describe('the stamp card coupon', () => {
  it('is redeemed at the till like any other coupon, once', async () => {
    const { cashier, card, client } = await setup({ stampsRequired: 1, cooldownMinutes: 0 })
    const res = await stamp(cashier, card)
    expect(res.body.coupon.source).toBe('stamps')
    const code = res.body.coupon.qrPayload as string
    const first = await cashier.post('/api/staff/coupons/redeem', { code }, { 'idempotency-key': idemKey() })
    expect(first.status).toBe(200)
    expect(first.body.coupon).toMatchObject({ title: 'Free coffee', state: 'used' })
    const second = await cashier.post('/api/staff/coupons/redeem', { code }, { 'idempotency-key': idemKey() })
    expect(second.body.error.code).toBe('coupon_already_used')
    const perks = await client.get(`/api/me/cards/${card.id}/perks`)
    expect(perks.body.coupons.map((c: { state: string }) => c.state)).toEqual(['used'])
  })
})

describe('the API document', () => {
  it('lists the rewards, coupon and stamp routes for integrators', async () => {
    const doc = await t.client().get('/api/openapi.json')
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/merchant/rewards',
        '/merchant/rewards/{id}',
        '/merchant/stamp-card',
        '/me/cards/{id}/perks',
        '/me/cards/{id}/rewards/{rewardId}/redeem',
        '/staff/coupons/lookup',
        '/staff/coupons/on-card',
        '/staff/coupons/redeem',
        '/staff/stamps',
      ]),
    )
  })
})
