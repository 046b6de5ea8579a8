import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, currentCode, idemKey, merchantWithOwner, scan } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

let t: TestApp
let shop: Awaited<ReturnType<typeof merchantWithOwner>>
let cashier: TestClient
let member: TestClient
let card: { id: string; cardNumber: string; totpSecret: string }
let couponCode: string

// T0 is Tuesday 10 March 2026.
beforeAll(async () => {
  t = await makeTestApp()
  shop = await merchantWithOwner(t)
  cashier = await addStaff(t, shop.merchantId, 'cashier')
  const rules = {
    pointsPerUnit: 1,
    unitMinor: 100,
    tiers: [{ name: 'Gold', threshold: 50, multiplier: 1.5, perks: 'free refill on filter coffee' }],
  }
  expect((await shop.owner.req('PUT', '/api/merchant/program', { rules })).status).toBe(200)
  expect(
    (await shop.owner.req('PUT', '/api/merchant/stamp-card', { stampsRequired: 8, rewardTitle: 'Free coffee' })).status,
  ).toBe(200)
  const reward = await shop.owner.post('/api/merchant/rewards', { name: 'Croissant', pointsCost: 40 })
  member = t.client()
  const joined = await member.post('/api/join', {
    slug: shop.slug,
    name: 'Ada Lovelace',
    email: 'ada@example.test',
    birthday: '1990-06-01',
    marketingConsent: true,
    consentWording: 'Send me offers.',
  })
  card = joined.body.card
  const handle = await scan(t, shop.owner, card)
  await shop.owner.post('/api/staff/earn', { handle, amountMinor: 6000 }, { 'idempotency-key': idemKey() })
  await shop.owner.post('/api/staff/stamps', { handle }, { 'idempotency-key': idemKey() })
  const redeemed = await member.post(
    `/api/me/cards/${card.id}/rewards/${reward.body.id}/redeem`,
    {},
    { 'idempotency-key': idemKey() },
  )
  expect(redeemed.status).toBe(201)
  couponCode = redeemed.body.coupon.code
})
afterAll(() => t.close())

describe('the scanned card at the till', () => {
  it("shows a cashier the tier and its perks, the stamps and the coupons, but not the member's consent", async () => {
    const res = await cashier.post('/api/staff/scan', { code: currentCode(t, card) })
    t.clock.advance(30_000)
    expect(res.status).toBe(200)
    expect(res.body.card).toMatchObject({
      memberName: 'Ada Lovelace',
      balance: 20,
      tier: { name: 'Gold', multiplier: 1.5, perks: 'free refill on filter coffee' },
      stamps: { filled: 1, required: 8, rewardTitle: 'Free coffee' },
      coupons: [{ title: 'Croissant' }],
      marketingConsent: null,
    })
    const owner = await shop.owner.post('/api/staff/scan', { code: currentCode(t, card) })
    t.clock.advance(30_000)
    expect(owner.body.card.marketingConsent).toBe(true)
  })
})

describe('finding members', () => {
  it('lets a cashier find a member by name or card number, without emails, and not by email', async () => {
    const byName = await cashier.get('/api/merchant/customers?q=lovelace')
    expect(byName.body.customers).toMatchObject([{ name: 'Ada Lovelace', email: null, balance: 20 }])
    const byNumber = await cashier.get(`/api/merchant/customers?q=${card.cardNumber.slice(0, 4).toLowerCase()}`)
    expect(byNumber.body.total).toBe(1)
    expect((await cashier.get('/api/merchant/customers?q=example.test')).body.total).toBe(0)
    expect((await shop.owner.get('/api/merchant/customers?q=example.test')).body.customers[0].email).toBe(
      'ada@example.test',
    )
  })

  it("gives a cashier the counter's view of a member: tier, balance, stamps, coupons; no email, birthday, consent or history", async () => {
    const res = await cashier.get(`/api/merchant/customers/${card.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      name: 'Ada Lovelace',
      balance: 20,
      tier: { name: 'Gold' },
      stamps: { filled: 1, required: 8 },
      coupons: [{ title: 'Croissant' }],
      profile: null,
      history: [],
      historyNext: null,
    })
    expect(JSON.stringify(res.body)).not.toContain('ada@example.test')
    expect(JSON.stringify(res.body)).not.toContain('1990-06-01')
    expect((await cashier.get(`/api/merchant/customers/${card.id}/history`)).status).toBe(403)
  })

  it('gives owners the customer page: tier, stamps, coupons, consent and its history, visits, spend, last visit and segment', async () => {
    const res = await shop.owner.get(`/api/merchant/customers/${card.id}`)
    expect(res.body).toMatchObject({
      tier: { name: 'Gold', perks: 'free refill on filter coffee' },
      stamps: { filled: 1 },
      coupons: [{ title: 'Croissant' }],
      profile: {
        email: 'ada@example.test',
        birthday: '1990-06-01',
        marketingConsent: true,
        consentHistory: [{ granted: true, source: 'join', wording: 'Send me offers.' }],
        visits: 1,
        spendMinor: 6000,
        currency: 'EUR',
        lastVisit: '2026-03-10',
        segment: 'new',
        highValue: true,
      },
    })
    expect(res.body.history.length).toBeGreaterThanOrEqual(2)
  })
})

describe('the coupon verdict', () => {
  it('says when and by whom a used coupon was used, on lookup and on a second redemption', async () => {
    const fresh = await cashier.post('/api/staff/coupons/lookup', { code: couponCode })
    expect(fresh.body.lastRedemption).toBeNull()
    const redeemed = await cashier.post(
      '/api/staff/coupons/redeem',
      { code: couponCode },
      { 'idempotency-key': idemKey() },
    )
    expect(redeemed.status).toBe(200)
    const at = redeemed.body.redemption.at as string
    t.clock.advance(60 * 60_000)
    const looked = await shop.owner.post('/api/staff/coupons/lookup', { code: couponCode })
    expect(looked.body.coupon.state).toBe('used')
    expect(looked.body.lastRedemption).toEqual({
      at,
      staffName: expect.stringMatching(/^cashier/),
      tillName: null,
      // A business without locations: nowhere in particular.
      locationName: null,
    })
    const again = await shop.owner.post(
      '/api/staff/coupons/redeem',
      { code: couponCode },
      { 'idempotency-key': idemKey() },
    )
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('coupon_already_used')
    expect(again.body.error.details.lastRedemption).toEqual(looked.body.lastRedemption)
  })
})
