import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTx } from '../../server/db/connection.js'
import { issueCoupon } from '../../server/services/perks/coupons.js'
import type { TestClient } from '../helpers/test-app.js'
import { addStaff, idemKey, joinedCustomer, merchantWithOwner, scan } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { all, get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

async function balanceEqualsLedger(cardId: string) {
  const row = (await get(
    t.db,
    'select c.balance, coalesce(sum(e.points),0) total from cards c left join ledger_entries e on e.card_id = c.id where c.id = ? group by c.id',
    cardId,
  )) as { balance: number; total: number }
  expect(row.balance).toBe(row.total)
  return row.balance
}
const count = async (table: string) => ((await get(t.db, `select count(*) n from ${table}`)) as { n: number }).n

const coffee = { name: 'Free coffee', terms: 'Any size', image: '☕', pointsCost: 150, validDays: 30 }

async function setup() {
  const m = await merchantWithOwner(t)
  const cashier = await addStaff(t, m.merchantId, 'cashier')
  const customer = await joinedCustomer(t, m.slug)
  return { ...m, cashier, ...customer }
}

async function earn(staff: TestClient, card: { cardNumber: string; totpSecret: string }, euros: number) {
  const handle = await scan(t, staff, card)
  const res = await staff.post(
    '/api/staff/earn',
    { handle, amountMinor: euros * 100 },
    { 'idempotency-key': idemKey() },
  )
  expect(res.status).toBe(201)
}

async function createReward(owner: TestClient, over: Record<string, unknown> = {}) {
  const res = await owner.post('/api/merchant/rewards', { ...coffee, ...over })
  expect(res.status).toBe(201)
  return res.body as { id: string }
}

const redeem = (client: TestClient, cardId: string, rewardId: string, key = idemKey()) =>
  client.post(`/api/me/cards/${cardId}/rewards/${rewardId}/redeem`, undefined, { 'idempotency-key': key })

describe('rewards catalog', () => {
  it('lets an owner and a manager create, edit and deactivate rewards', async () => {
    const { owner, merchantId } = await setup()
    const manager = await addStaff(t, merchantId, 'manager')
    const created = await owner.post('/api/merchant/rewards', { ...coffee, stock: 10, perMemberLimit: 2 })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: 'Free coffee',
      pointsCost: 150,
      stock: 10,
      perMemberLimit: 2,
      active: true,
      image: '☕',
    })
    const edited = await manager.req('PUT', `/api/merchant/rewards/${created.body.id}`, {
      ...coffee,
      pointsCost: 120,
      active: false,
    })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ pointsCost: 120, active: false, stock: null })
    const list = await manager.get('/api/merchant/rewards')
    expect(list.body.rewards).toHaveLength(1)
    expect(list.body.rewards[0]).toMatchObject({ id: created.body.id, active: false })
  })

  it('refuses a cashier (403) and changes nothing', async () => {
    const { owner, cashier } = await setup()
    const r = await createReward(owner)
    expect((await cashier.post('/api/merchant/rewards', coffee)).status).toBe(403)
    const put = await cashier.req('PUT', `/api/merchant/rewards/${r.id}`, { ...coffee, pointsCost: 1 })
    expect(put.status).toBe(403)
    expect(put.body.error.code).toBe('forbidden')
    expect((await cashier.get('/api/merchant/rewards')).status).toBe(403)
    expect((await owner.get('/api/merchant/rewards')).body.rewards[0].pointsCost).toBe(150)
  })

  it('explains invalid input field by field', async () => {
    const { owner } = await setup()
    const res = await owner.post('/api/merchant/rewards', { ...coffee, pointsCost: 0, image: 'not a url or emoji' })
    expect(res.status).toBe(400)
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['image', 'pointsCost'])
  })

  it("does not let one merchant edit another merchant's reward", async () => {
    const { owner } = await setup()
    const r = await createReward(owner)
    const other = await merchantWithOwner(t)
    expect((await other.owner.req('PUT', `/api/merchant/rewards/${r.id}`, { ...coffee, pointsCost: 1 })).status).toBe(
      404,
    )
    expect((await other.owner.get('/api/merchant/rewards')).body.rewards).toEqual([])
  })
})

describe('redeeming a reward', () => {
  it('debits the points with a redeem entry and issues a coupon, in one go; the balance stays the ledger sum', async () => {
    const { owner, client, card } = await setup()
    const r = await createReward(owner)
    await earn(owner, card, 200)
    const res = await redeem(client, card.id, r.id)
    expect(res.status).toBe(201)
    expect(res.body.balance).toBe(50)
    expect(res.body.entry).toMatchObject({ kind: 'redeem', points: -150, reason: 'Reward: Free coffee' })
    expect(res.body.coupon).toMatchObject({
      title: 'Free coffee',
      source: 'reward',
      rewardId: r.id,
      state: 'active',
      uses: 0,
      maxUses: 1,
    })
    expect(res.body.coupon.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
    expect(res.body.coupon.qrPayload).toBe(`LWC1:${res.body.coupon.code}`)
    expect(res.body.coupon.validUntil).toBe(new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString())
    expect(await balanceEqualsLedger(card.id)).toBe(50)
    const perks = await client.get(`/api/me/cards/${card.id}/perks`)
    expect(perks.body.balance).toBe(50)
    expect(perks.body.coupons.map((c: { id: string }) => c.id)).toEqual([res.body.coupon.id])
    const history = await client.get(`/api/me/cards/${card.id}`)
    expect(history.body.history[0]).toMatchObject({ kind: 'redeem', points: -150 })
  })

  it('refuses with insufficient_balance (422) and writes nothing when points are short', async () => {
    const { owner, client, card } = await setup()
    const r = await createReward(owner)
    await earn(owner, card, 149)
    const before = { ledger: await count('ledger_entries'), coupons: await count('coupons') }
    const res = await redeem(client, card.id, r.id)
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({
      code: 'insufficient_balance',
      message: '"Free coffee" costs 150 points; the card has 149.',
    })
    expect(res.body.error.details).toMatchObject({ balance: 149, cost: 150, missing: 1 })
    expect({ ledger: await count('ledger_entries'), coupons: await count('coupons') }).toEqual(before)
    expect(await balanceEqualsLedger(card.id)).toBe(149)
  })

  it('replays the same Idempotency-Key instead of spending twice', async () => {
    const { owner, client, card } = await setup()
    const r = await createReward(owner)
    await earn(owner, card, 400)
    const key = idemKey()
    const first = await redeem(client, card.id, r.id, key)
    const again = await redeem(client, card.id, r.id, key)
    expect(again.status).toBe(201)
    expect(again.body.coupon.id).toBe(first.body.coupon.id)
    expect(await balanceEqualsLedger(card.id)).toBe(250)
    expect(await count('coupons')).toBe(1)
  })

  it('takes stock atomically: the last one goes to one member, the next gets out of stock', async () => {
    const { owner, client, card, slug } = await setup()
    const r = await createReward(owner, { stock: 1 })
    const bob = await joinedCustomer(t, slug, 'Bob')
    await earn(owner, card, 200)
    await earn(owner, bob.card, 200)
    const [a, b] = await Promise.all([redeem(client, card.id, r.id), redeem(bob.client, bob.card.id, r.id)])
    expect([a.status, b.status].sort()).toEqual([201, 409])
    const loser = a.status === 409 ? a : b
    expect(loser.body.error.code).toBe('reward_out_of_stock')
    expect((await owner.get('/api/merchant/rewards')).body.rewards[0].stock).toBe(0)
    expect((await balanceEqualsLedger(card.id)) + (await balanceEqualsLedger(bob.card.id))).toBe(250)
    const perks = await bob.client.get(`/api/me/cards/${bob.card.id}/perks`)
    expect(perks.body.rewards[0]).toMatchObject({ id: r.id, available: false, stock: 0 })
  })

  it('enforces the per-member limit', async () => {
    const { owner, client, card } = await setup()
    const r = await createReward(owner, { pointsCost: 10, perMemberLimit: 2 })
    await earn(owner, card, 100)
    expect((await redeem(client, card.id, r.id)).status).toBe(201)
    expect((await redeem(client, card.id, r.id)).status).toBe(201)
    const third = await redeem(client, card.id, r.id)
    expect(third.status).toBe(409)
    expect(third.body.error.code).toBe('reward_limit_reached')
    expect(await balanceEqualsLedger(card.id)).toBe(80)
    const perks = await client.get(`/api/me/cards/${card.id}/perks`)
    expect(perks.body.rewards[0]).toMatchObject({ remainingForMember: 0, available: false })
  })

  it("does not redeem a deactivated reward or another merchant's reward", async () => {
    const { owner, client, card } = await setup()
    const r = await createReward(owner)
    await earn(owner, card, 500)
    await owner.req('PUT', `/api/merchant/rewards/${r.id}`, { ...coffee, active: false })
    expect((await redeem(client, card.id, r.id)).status).toBe(404)
    const other = await merchantWithOwner(t)
    const foreign = await createReward(other.owner)
    expect((await redeem(client, card.id, foreign.id)).status).toBe(404)
    expect(await balanceEqualsLedger(card.id)).toBe(500)
  })

  it("does not let a customer redeem on, or see the coupons of, another customer's card", async () => {
    const { owner, card, slug } = await setup()
    const r = await createReward(owner)
    await earn(owner, card, 200)
    const mallory = await joinedCustomer(t, slug, 'Mallory')
    expect((await redeem(mallory.client, card.id, r.id)).status).toBe(404)
    const peek = await mallory.client.get(`/api/me/cards/${card.id}/perks`)
    expect(peek.status).toBe(404)
    expect(JSON.stringify(peek.body)).not.toContain('LWC1')
    expect((await t.client().get(`/api/me/cards/${card.id}/perks`)).status).toBe(401)
    expect(await balanceEqualsLedger(card.id)).toBe(200)
  })
})

describe('redeeming a coupon at the till', () => {
  async function withCoupon(validDays = 30) {
    const s = await setup()
    const r = await createReward(s.owner, { validDays })
    await earn(s.owner, s.card, 150)
    const res = await redeem(s.client, s.card.id, r.id)
    return { ...s, coupon: res.body.coupon as { id: string; code: string; qrPayload: string } }
  }
  const redeemCode = (staff: TestClient, code: string, key = idemKey()) =>
    staff.post('/api/staff/coupons/redeem', { code }, { 'idempotency-key': key })

  it('looks the coupon up, then redeems it once, recording who and when', async () => {
    const { cashier, coupon, card } = await withCoupon()
    const look = await cashier.post('/api/staff/coupons/lookup', { code: coupon.qrPayload })
    expect(look.status).toBe(200)
    expect(look.body).toMatchObject({
      memberName: 'Ada',
      cardNumber: card.cardNumber,
      coupon: { id: coupon.id, state: 'active' },
    })
    t.clock.advance(60_000)
    const res = await redeemCode(cashier, `${coupon.code.slice(0, 5).toLowerCase()}-${coupon.code.slice(5)}`)
    expect(res.status).toBe(200)
    expect(res.body.coupon).toMatchObject({ state: 'used', uses: 1, lastRedeemedAt: t.clock.now().toISOString() })
    expect(res.body.redemption).toMatchObject({
      at: t.clock.now().toISOString(),
      staffName: expect.stringMatching(/^cashier/),
    })
    const rows = (await all(
      t.db,
      'select staff_id, created_at from coupon_redemptions where coupon_id = ?',
      coupon.id,
    )) as Array<{ staff_id: string }>
    expect(rows).toHaveLength(1)
    expect(rows[0]!.staff_id).toEqual(expect.any(String))
    const again = await redeemCode(cashier, coupon.code)
    expect(again.status).toBe(409)
    expect(again.body.error).toMatchObject({
      code: 'coupon_already_used',
      message: 'This coupon has already been used.',
    })
  })

  it('of 50 parallel redemptions of one coupon, exactly one succeeds and the rest get coupon_already_used', async () => {
    const { cashier, owner, coupon } = await withCoupon()
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => redeemCode(i % 2 ? cashier : owner, coupon.qrPayload)),
    )
    const ok = results.filter((r) => r.status === 200)
    const used = results.filter((r) => r.status === 409)
    expect(ok).toHaveLength(1)
    expect(used).toHaveLength(49)
    for (const r of used) expect(r.body.error.code).toBe('coupon_already_used')
    expect(await count('coupon_redemptions')).toBe(1)
    const row = await get(t.db, 'select uses, state from coupons where id = ?', coupon.id)
    expect(row).toEqual({ uses: 1, state: 'used' })
  })

  it('replays a retried redemption with the same Idempotency-Key rather than calling it used', async () => {
    const { cashier, coupon } = await withCoupon()
    const key = idemKey()
    const first = await redeemCode(cashier, coupon.code, key)
    const retry = await redeemCode(cashier, coupon.code, key)
    expect(retry.status).toBe(200)
    expect(retry.body.redemption.id).toBe(first.body.redemption.id)
    expect(await count('coupon_redemptions')).toBe(1)
  })

  it('refuses a coupon outside its hours with 422 and a message that says when it is valid', async () => {
    const { cashier, merchantId, card } = await setup()
    // T0 is Tuesday 2026-03-10 12:00 UTC = 13:00 in Warsaw.
    const row = await writeTx(t.db, (tx) =>
      issueCoupon(tx, {
        cardId: card.id,
        merchantId,
        source: 'campaign',
        title: 'Happy hour 2 for 1',
        weekdays: [2, 3],
        minuteFrom: 14 * 60,
        minuteUntil: 17 * 60,
        validUntil: new Date('2026-04-01T00:00:00.000Z'),
        now: t.clock.now(),
      }),
    )
    const res = await redeemCode(cashier, row.code)
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('coupon_not_valid_now')
    expect(res.body.error.message).toContain('on Tue, Wed 14:00-17:00 (Europe/Warsaw time)')
    expect(res.body.error.details).toMatchObject({
      reason: 'hours',
      hoursFrom: '14:00',
      hoursUntil: '17:00',
      weekdays: [2, 3],
    })
    t.clock.set('2026-03-10T13:05:00.000Z') // 14:05 in Warsaw
    expect((await redeemCode(cashier, row.code)).status).toBe(200)
  })

  it('refuses an expired coupon and does not consume it', async () => {
    const { coupon, merchantId } = await withCoupon(2)
    t.clock.advance(2 * 86_400_000)
    const cashier = await addStaff(t, merchantId, 'cashier') // staff sessions last hours, not days
    const res = await redeemCode(cashier, coupon.code)
    expect(res.status).toBe(422)
    expect(res.body.error.details.reason).toBe('expired')
    expect(await get(t.db, 'select uses from coupons where id = ?', coupon.id)).toEqual({ uses: 0 })
  })

  it("does not let staff of merchant B look up or redeem merchant A's coupon", async () => {
    const { coupon } = await withCoupon()
    const b = await merchantWithOwner(t)
    const look = await b.owner.post('/api/staff/coupons/lookup', { code: coupon.code })
    expect(look.status).toBe(404)
    expect(JSON.stringify(look.body)).not.toContain('Ada')
    const res = await redeemCode(b.owner, coupon.code)
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('coupon_not_found')
    expect(await count('coupon_redemptions')).toBe(0)
  })

  it("lists the usable coupons of a scanned card for the cashier, and only on this merchant's handle", async () => {
    const { cashier, coupon, card } = await withCoupon()
    const handle = await scan(t, cashier, card)
    const res = await cashier.post('/api/staff/coupons/on-card', { handle })
    expect(res.status).toBe(200)
    expect(res.body.coupons.map((c: { id: string }) => c.id)).toEqual([coupon.id])
    await redeemCode(cashier, coupon.code)
    expect((await cashier.post('/api/staff/coupons/on-card', { handle })).body.coupons).toEqual([])
    const b = await merchantWithOwner(t)
    expect((await b.owner.post('/api/staff/coupons/on-card', { handle })).status).toBe(410)
  })

  it('needs a staff session', async () => {
    const { coupon, client } = await withCoupon()
    expect(
      (await client.post('/api/staff/coupons/redeem', { code: coupon.code }, { 'idempotency-key': idemKey() })).status,
    ).toBe(401)
  })

  it("lists the customer's coupons usable first and soonest expiring first, used ones after", async () => {
    const { client, card, merchantId, cashier, coupon } = await withCoupon()
    const issue = (title: string, days: number) =>
      writeTx(t.db, (tx) =>
        issueCoupon(tx, {
          cardId: card.id,
          merchantId,
          source: 'automation',
          title,
          validUntil: new Date(t.clock.now().getTime() + days * 86_400_000),
          now: t.clock.now(),
        }),
      )
    await issue('In a week', 7)
    await issue('Tomorrow', 1)
    await redeemCode(cashier, coupon.code)
    const perks = await client.get(`/api/me/cards/${card.id}/perks`)
    expect(perks.body.coupons.map((c: { title: string; state: string }) => `${c.title}:${c.state}`)).toEqual([
      'Tomorrow:active',
      'In a week:active',
      'Free coffee:used',
    ])
  })
})
