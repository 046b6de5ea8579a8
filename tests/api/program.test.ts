import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ProgramRulesInput } from '../../server/contract/program.js'
import { expirePoints, grantBirthdayBonuses, reevaluateTiers } from '../../server/services/program/jobs.js'
import { getProgram } from '../../server/services/program/settings.js'
import { addStaff, idemKey, joinedCustomer, merchantWithOwner, scan, staffClient } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'
import { DAY_MS } from '../../server/domain/time.js'
import { all, get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

// T0 is Tuesday 10 March 2026, 13:00 in Warsaw.
const tuesdayPromo = { name: 'Tuesday promo', multiplier: 2, weekdays: [2], startTime: '12:00', endTime: '17:00' }
const tiers = [
  { name: 'Silver', threshold: 20, multiplier: 1 },
  { name: 'Gold', threshold: 50, multiplier: 1.5, perks: 'Free refill' },
]

/** Every card's cached balance equals the sum of its ledger. */
async function assertBalancesMatchLedger() {
  const rows = (await all(
    t.db,
    'select c.id, c.balance, coalesce(sum(e.points),0) total from cards c left join ledger_entries e on e.card_id = c.id group by c.id',
  )) as Array<{ balance: number; total: number }>
  expect(rows.length).toBeGreaterThan(0)
  for (const r of rows) expect(r.balance).toBe(r.total)
}

/** Staff sessions last hours: after moving the clock by days, sign in again. */
async function signInAgain(staffId: string) {
  const { email } = (await get(t.db, 'select email from staff where id = ?', staffId)) as { email: string }
  return staffClient(t, email)
}

async function setRules(owner: TestClient, rules: Partial<ProgramRulesInput>) {
  const res = await owner.req('PUT', '/api/merchant/program', { rules: { pointsPerUnit: 1, unitMinor: 100, ...rules } })
  expect(res.status).toBe(200)
  return res.body
}

async function earn(
  staff: TestClient,
  card: { cardNumber: string; totpSecret: string },
  amountMinor: number,
  discountMinor?: number,
) {
  const handle = await scan(t, staff, card)
  const res = await staff.post(
    '/api/staff/earn',
    { handle, amountMinor, discountMinor },
    { 'idempotency-key': idemKey() },
  )
  expect(res.status).toBe(201)
  return res.body as { entry: { points: number; reason: string; id: string }; balance: number }
}

describe('program settings', () => {
  it('lets an owner and a manager read, preview and save the rules, and refuses a cashier with 403', async () => {
    const m = await merchantWithOwner(t)
    const manager = await addStaff(t, m.merchantId, 'manager')
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const got = await m.owner.get('/api/merchant/program')
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject({
      version: 1,
      rules: { pointsPerUnit: 1, unitMinor: 100, tiers: [] },
      scheduled: null,
    })

    for (const [method, path] of [
      ['GET', '/api/merchant/program'],
      ['PUT', '/api/merchant/program'],
      ['POST', '/api/merchant/program/preview'],
    ] as const) {
      const res = await cashier.req(
        method,
        path,
        method === 'GET' ? undefined : { rules: { pointsPerUnit: 1, unitMinor: 100 } },
      )
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe('forbidden')
    }

    const saved = await manager.req('PUT', '/api/merchant/program', {
      rules: { pointsPerUnit: 2, unitMinor: 100, tiers },
    })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({
      version: 2,
      rules: { pointsPerUnit: 2, tiers: [{ name: 'Silver' }, { name: 'Gold', perks: 'Free refill' }] },
    })
    const v = (await all(
      t.db,
      'select version, rules from program_versions where merchant_id = ? order by version',
      m.merchantId,
    )) as Array<{ version: number; rules: string | null }>
    expect(v.map((r) => r.version)).toEqual([1, 2])
  })

  it('explains invalid rules with a 400 naming the field, and saves nothing', async () => {
    const m = await merchantWithOwner(t)
    const res = await m.owner.req('PUT', '/api/merchant/program', {
      rules: { pointsPerUnit: 1, unitMinor: 100, tiers: [tiers[1], tiers[0]] },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('validation_failed')
    expect(res.body.error.details).toContainEqual({
      path: 'rules.tiers.1.threshold',
      message: 'tier thresholds must increase',
    })
    const bad = await m.owner.req('PUT', '/api/merchant/program', {
      rules: { pointsPerUnit: 1, unitMinor: 100, dailyCapPoints: 0 },
    })
    expect(bad.body.error.message).toMatch(/^rules\.dailyCapPoints: /)
    expect(((await get(t.db, 'select count(*) n from program_versions')) as { n: number }).n).toBe(1)
  })

  it('schedules a version for later and keeps the current rules until then', async () => {
    const m = await merchantWithOwner(t)
    const from = new Date(t.clock.now().getTime() + 7 * DAY_MS).toISOString()
    const res = await m.owner.req('PUT', '/api/merchant/program', {
      rules: { pointsPerUnit: 5, unitMinor: 100 },
      effectiveFrom: from,
    })
    expect(res.body).toMatchObject({
      version: 1,
      rules: { pointsPerUnit: 1 },
      scheduled: { version: 2, effectiveFrom: from },
    })
    t.clock.advance(8 * DAY_MS)
    expect(await getProgram(t.deps, m.merchantId)).toMatchObject({
      version: 2,
      rules: { pointsPerUnit: 5 },
      scheduled: null,
    })
  })

  it('previews the last 90 days under proposed rules without writing anything', async () => {
    const m = await merchantWithOwner(t)
    const { card } = await joinedCustomer(t, m.slug)
    await earn(m.owner, card, 4000)
    t.clock.advance(30 * DAY_MS)
    const owner = await signInAgain(m.ownerId)
    await earn(owner, card, 1000)
    const before = await get(t.db, 'select count(*) n from ledger_entries')
    const res = await owner.post('/api/merchant/program/preview', {
      rules: { pointsPerUnit: 2, unitMinor: 100, tiers },
    })
    expect(res.status).toBe(200)
    expect(res.body.current).toMatchObject({
      pointsIssued: 50,
      purchases: 2,
      membersPerTier: [{ tier: null, members: 1 }],
    })
    // 80 points make Gold; the second purchase then earns 20 x 1.5.
    expect(res.body.proposed).toMatchObject({
      pointsIssued: 110,
      membersPerTier: [
        { tier: null, members: 0 },
        { tier: 'Silver', members: 0 },
        { tier: 'Gold', members: 1 },
      ],
    })
    expect(await get(t.db, 'select count(*) n from ledger_entries')).toEqual(before)
  })
})

describe('OpenAPI', () => {
  it('documents the program routes, the rules schema and the discount on earn', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body
    for (const p of ['/merchant/program', '/merchant/program/preview', '/me/birthday'])
      expect(Object.keys(doc.paths)).toContain(p)
    expect(doc.components.schemas.ProgramRules.properties.tiers).toBeDefined()
    expect(doc.components.schemas.CardStatus).toBeDefined()
    const earn = doc.paths['/staff/earn'].post.requestBody.content['application/json'].schema
    expect(JSON.stringify(earn)).toContain('discountMinor')
  })
})

describe('earning under the program rules', () => {
  it('applies the promotion, the tier multiplier, the daily cap and the reward discount, with reasons', async () => {
    const m = await merchantWithOwner(t)
    await setRules(m.owner, { promotions: [tuesdayPromo], tiers, dailyCapPoints: 100 })
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const { card, client } = await joinedCustomer(t, m.slug)

    const first = await earn(cashier, card, 1250)
    expect(first.entry).toMatchObject({ points: 24, reason: 'Purchase of 12.50 EUR, x2 Tuesday promo' })
    // 24 points made Silver at once (x1); the next 14 make 28 more (52 in all): Gold.
    await earn(cashier, card, 1400)
    const tierRows = await all(
      t.db,
      'select from_tier, to_tier, direction from tier_changes where card_id = ? order by created_at',
      card.id,
    )
    expect(tierRows).toEqual([
      { from_tier: null, to_tier: 'Silver', direction: 'up' },
      { from_tier: 'Silver', to_tier: 'Gold', direction: 'up' },
    ])
    const third = await earn(cashier, card, 2000, 500)
    expect(third.entry).toMatchObject({
      points: 45,
      reason: 'Purchase of 20.00 EUR, 5.00 EUR paid with a reward, x2 Tuesday promo, Gold x1.5',
    })
    // 97 earned today: the cap of 100 leaves 3.
    const capped = await earn(cashier, card, 3000)
    expect(capped.entry).toMatchObject({ points: 3, reason: expect.stringMatching(/daily cap of 100 reached$/) })

    const detail = await client.get(`/api/me/cards/${card.id}`)
    expect(detail.body.card.status).toMatchObject({
      tier: { name: 'Gold', multiplier: 1.5, perks: 'Free refill' },
      earnedInWindow: 100,
      next: null,
      // Everything was earned today: all of it leaves the 12-month window together.
      retain: { points: 50, by: '2027-03-10T12:00:29.999Z' },
      nextExpiry: null,
    })
    await assertBalancesMatchLedger()
  })

  it('refuses a discount larger than the purchase with a 400 naming discountMinor', async () => {
    const m = await merchantWithOwner(t)
    const { card } = await joinedCustomer(t, m.slug)
    const handle = await scan(t, m.owner, card)
    const res = await m.owner.post(
      '/api/staff/earn',
      { handle, amountMinor: 500, discountMinor: 600 },
      { 'idempotency-key': idemKey() },
    )
    expect(res.status).toBe(400)
    expect(res.body.error.message).toMatch(/^discountMinor: /)
  })

  it('takes the discount from a POS earn too', async () => {
    const m = await merchantWithOwner(t)
    const { card } = await joinedCustomer(t, m.slug)
    const key = await m.owner.post('/api/merchant/api-keys', { name: 'Till' })
    const res = await t
      .client()
      .post(
        '/api/pos/v1/earn',
        { cardNumber: card.cardNumber, amountMinor: 1000, discountMinor: 400 },
        { authorization: `Bearer ${key.body.key}`, 'idempotency-key': idemKey() },
      )
    expect(res.status).toBe(201)
    expect(res.body.entry).toMatchObject({ points: 6, reason: 'Purchase of 10.00 EUR, 4.00 EUR paid with a reward' })
  })
})

describe('expiry', () => {
  it('expires each due lot once, however often the job runs, and shows the next expiry first', async () => {
    const m = await merchantWithOwner(t)
    await setRules(m.owner, { expiry: { mode: 'afterEarn', months: 1, roundTo: 'month' } })
    const { card, client } = await joinedCustomer(t, m.slug)
    await earn(m.owner, card, 10000)
    t.clock.advance(20 * DAY_MS)
    const owner = await signInAgain(m.ownerId)
    await earn(owner, card, 5000)
    // Spend 120 by a negative adjustment: the oldest lot (100) goes first, then 20 of the second.
    const handle = await scan(t, owner, card)
    await owner.post(
      '/api/staff/adjust',
      { handle, points: -120, reason: 'Redeemed a mug' },
      { 'idempotency-key': idemKey() },
    )

    const detail = await client.get(`/api/me/cards/${card.id}`)
    // Earned 10 March and 30 March (Warsaw): both lots expire at the end of April.
    expect(detail.body.card.status.nextExpiry).toEqual({ points: 30, at: '2026-04-30T22:00:00.000Z' })

    t.clock.set('2026-05-01T00:00:00Z')
    expect(await expirePoints(t.deps)).toBe(1)
    expect(await expirePoints(t.deps)).toBe(0)
    const rows = await all(
      t.db,
      "select points, reason from ledger_entries where card_id = ? and kind = 'expire'",
      card.id,
    )
    expect(rows).toEqual([{ points: -30, reason: '30 points earned on 2026-03-30 expired' }])
    expect((await client.get(`/api/me/cards/${card.id}`)).body.card.balance).toBe(0)
    await assertBalancesMatchLedger()
  })
})

describe('bonuses', () => {
  it("gives the welcome bonus at join, and the referral bonus to both after the friend's first purchase only", async () => {
    const m = await merchantWithOwner(t)
    await setRules(m.owner, { welcomeBonus: 10, referralBonus: 25 })
    const ann = await t.client().post('/api/join', { slug: m.slug, name: 'Ann', email: 'ann@x.test' })
    expect(ann.body.card.balance).toBe(10)
    const code = ann.body.card.status.referralCode as string
    expect(code).toMatch(/^[a-z0-9]{6,}$/)

    const bob = await t.client().post('/api/join', { slug: m.slug, name: 'Bob', email: 'bob@x.test', ref: code })
    expect(bob.body.card.balance).toBe(10)
    const annCard = { ...ann.body.card }
    const bobCard = { ...bob.body.card }
    const balance = async (id: string) =>
      ((await get(t.db, 'select balance from cards where id = ?', id)) as { balance: number }).balance
    expect(await balance(annCard.id)).toBe(10)

    const first = await earn(m.owner, bobCard, 500)
    expect(first.balance).toBe(10 + 5 + 25)
    expect(await balance(annCard.id)).toBe(35)
    await earn(m.owner, bobCard, 500)
    expect(await balance(annCard.id)).toBe(35)
    expect(await balance(bobCard.id)).toBe(45)

    // Referring oneself under another name but the same email earns nothing, and the same email
    // gets no second welcome bonus either: only the purchase's 5 points.
    const self = await t.client().post('/api/join', { slug: m.slug, name: 'Ann again', email: 'ANN@x.test', ref: code })
    await earn(m.owner, self.body.card, 500)
    expect(await balance(annCard.id)).toBe(35)
    expect(await balance(self.body.card.id)).toBe(5)
    await assertBalancesMatchLedger()
  })

  it('lets a member set a birthday once, change it once a year, and gives the birthday bonus once', async () => {
    const m = await merchantWithOwner(t)
    await setRules(m.owner, { birthdayBonus: 30, birthdayWindowDays: 3 })
    const { client, card } = await joinedCustomer(t, m.slug)
    expect((await client.get('/api/me/birthday')).body).toEqual({ birthday: null, changeableFrom: null })
    expect((await client.req('PUT', '/api/me/birthday', { birthday: '1990-03-12' })).status).toBe(200)
    const changed = await client.req('PUT', '/api/me/birthday', { birthday: '1990-03-11' })
    expect(changed.body).toEqual({ birthday: '1990-03-11', changeableFrom: '2027-03-10T12:00:00.000Z' })
    const locked = await client.req('PUT', '/api/me/birthday', { birthday: '1990-04-11' })
    expect(locked.status).toBe(409)
    expect(locked.body.error.code).toBe('birthday_locked')
    expect((await client.req('PUT', '/api/me/birthday', { birthday: '1990-02-30' })).status).toBe(400)

    expect(await grantBirthdayBonuses(t.deps)).toBe(1)
    t.clock.advance(DAY_MS)
    expect(await grantBirthdayBonuses(t.deps)).toBe(0)
    expect((await client.get(`/api/me/cards/${card.id}`)).body.card.balance).toBe(30)
    await assertBalancesMatchLedger()
  })
})

describe('tier re-evaluation', () => {
  it('downgrades only after the grace period, once the rolling window has let the points go', async () => {
    const m = await merchantWithOwner(t)
    await setRules(m.owner, { tiers, tierWindow: { kind: 'rolling', months: 1 }, tierGraceDays: 10 })
    const { card, client } = await joinedCustomer(t, m.slug)
    await earn(m.owner, card, 6000)
    expect((await client.get(`/api/me/cards/${card.id}`)).body.card.status).toMatchObject({
      tier: { name: 'Gold' },
      // Earned 13:00:30 Warsaw winter time; a month later is 13:00:30 summer time, 11:00:30 UTC.
      retain: { points: 50, by: '2026-04-10T11:00:29.999Z' },
    })
    t.clock.set('2026-04-15T00:00:00Z')
    expect(await reevaluateTiers(t.deps)).toBe(0)
    const status = (await client.get(`/api/me/cards/${card.id}`)).body.card.status
    expect(status).toMatchObject({ tier: { name: 'Gold' }, retain: { points: 50, by: '2026-04-24T23:59:59.999Z' } })
    t.clock.set('2026-04-24T00:00:00Z')
    expect(await reevaluateTiers(t.deps)).toBe(0)
    t.clock.set('2026-04-25T00:00:00Z')
    expect(await reevaluateTiers(t.deps)).toBe(1)
    expect(await reevaluateTiers(t.deps)).toBe(0)
    const rows = await all(
      t.db,
      'select from_tier, to_tier, direction from tier_changes where card_id = ? order by created_at',
      card.id,
    )
    expect(rows).toEqual([
      { from_tier: null, to_tier: 'Gold', direction: 'up' },
      { from_tier: 'Gold', to_tier: null, direction: 'down' },
    ])
    expect((await client.get(`/api/me/cards/${card.id}`)).body.card.status).toMatchObject({
      tier: null,
      next: { name: 'Silver', pointsNeeded: 20 },
    })
  })
})
