import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newId } from '../../server/domain/ids.js'
import { sendDueOffers } from '../../server/services/push/automations.js'
import { dashboard } from '../../server/services/insights/dashboard.js'
import { addStaff, merchantWithOwner } from '../helpers/factories.js'
import { seedEntry } from '../helpers/insights.js'
import { addDevice, count } from '../helpers/push.js'
import { makeTestApp, T0, type TestApp, type TestClient } from '../helpers/test-app.js'
import { DAY_MS } from '../../server/domain/time.js'
import { all } from '../helpers/db.js'
import { writeTx } from '../../server/db/connection.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

/** 10:00 UTC (11:00 or 12:00 in Warsaw) `n` days before T0 (2026-03-10T12:00Z). */
const ago = (n: number) => new Date(Date.parse('2026-03-10T10:00:00.000Z') - n * DAY_MS)

interface Member {
  cardId: string
  cardNumber: string
  client: TestClient
}

async function join(
  slug: string,
  joinedAgo: number,
  over: { name: string; email?: string; consent?: boolean },
): Promise<Member> {
  t.clock.set(ago(joinedAgo).toISOString())
  const client = t.client()
  const res = await client.post('/api/join', {
    slug,
    name: over.name,
    email: over.email,
    marketingConsent: over.consent ?? false,
  })
  expect(res.status).toBe(201)
  return { cardId: res.body.card.id, cardNumber: res.body.card.cardNumber, client }
}

/** A ledger entry at a chosen time, through the one posting path. */
const post = (
  merchantId: string,
  cardId: string,
  at: Date,
  p: { kind: 'earn' | 'redeem' | 'reversal'; points: number; amountMinor?: number; reverses?: string },
) =>
  seedEntry(t, {
    cardId,
    merchantId,
    at: at.toISOString(),
    kind: p.kind,
    points: p.points,
    amountMinor: p.amountMinor ?? null,
    reverses: p.reverses,
    reason: p.kind,
  })
const buy = (merchantId: string, m: Member, daysAgo: number, amountMinor: number) =>
  post(merchantId, m.cardId, ago(daysAgo), { kind: 'earn', points: amountMinor / 100, amountMinor })

/**
 * Seven members whose figures are worked out by hand (today is 2026-03-10 in Warsaw):
 *   Ann  joined 200 d ago, visits 200 150 100 60 40 20 5 d ago, 10.00 each  -> regular
 *   Bob  joined 100 d ago, visits 100 90 80 70, 20.00 each                   -> at risk (gap 10, away 70), high value
 *   Cat  joined 300 d ago, visits 300 200, 15.00 each                        -> lapsed
 *   Dan  joined 10 d ago, visit 10 (5.00); a purchase 2 d ago is reversed     -> new
 *   Eve  joined 120 d ago, visits 120 30, 8.00 each                          -> occasional
 *   Fay  joined 95 d ago, never came                                         -> lapsed
 *   Gus  joined 170 d ago, visits 170 120, 9.00 each                         -> lapsed
 * Ann redeems 30 points 3 days ago.
 */
async function dataset() {
  // The program has to be in force when the first member joins.
  t.clock.set(ago(400).toISOString())
  const m = await merchantWithOwner(t)
  const ann = await join(m.slug, 200, { name: 'Ann Regular', email: 'ann@example.test', consent: true })
  const bob = await join(m.slug, 100, { name: 'Bob Risk', email: 'bob@example.test', consent: true })
  const cat = await join(m.slug, 300, { name: 'Cat Lapsed' })
  const dan = await join(m.slug, 10, { name: 'Dan New' })
  const eve = await join(m.slug, 120, { name: 'Eve Occasional', email: 'eve@example.test', consent: false })
  const fay = await join(m.slug, 95, { name: '=Fay Never' })
  const gus = await join(m.slug, 170, { name: 'Gus, Gone' })
  for (const d of [200, 150, 100, 60, 40, 20, 5]) await buy(m.merchantId, ann, d, 1000)
  for (const d of [100, 90, 80, 70]) await buy(m.merchantId, bob, d, 2000)
  for (const d of [300, 200]) await buy(m.merchantId, cat, d, 1500)
  await buy(m.merchantId, dan, 10, 500)
  const mistake = await buy(m.merchantId, dan, 2, 700)
  for (const d of [120, 30]) await buy(m.merchantId, eve, d, 800)
  for (const d of [170, 120]) await buy(m.merchantId, gus, d, 900)
  await post(m.merchantId, ann.cardId, ago(3), { kind: 'redeem', points: -30 })
  t.clock.set(T0.toISOString())
  // The owner's session was made at T0 before the clock moved: sign in anew for the figures.
  const manager = await addStaff(t, m.merchantId, 'manager')
  return { ...m, manager, ann, bob, cat, dan, eve, fay, gus, mistake }
}

describe('dashboard', () => {
  it('computes every figure of a hand-made dataset to its exact value', async () => {
    const d = await dataset()
    // The mistaken purchase is summarised first, then reversed now (in the live tail).
    expect((await d.manager.get('/api/merchant/insights')).body.segments.new).toBe(1)
    await post(d.merchantId, d.dan.cardId, T0, { kind: 'reversal', points: -7, reverses: d.mistake })
    await addDevice(d.ann.client)
    await addDevice(d.bob.client)
    const note = (...args: unknown[]) =>
      writeTx(t.db, (tx) =>
        all(
          tx,
          `insert into push_notifications (id, merchant_id, card_id, kind, category, marketing, payload, not_before, local_day, offer_id, created_at, clicked_at) values (?, ?, ?, 'offer', 'offers', 1, '{}', ?, '2026-03-01', null, ?, ?)`,
          ...args,
        ),
      )
    for (const [daysAgo, clicked] of [
      [1, true],
      [2, false],
      [3, false],
      [29, false],
      [40, true],
    ] as const) {
      const at = ago(daysAgo).toISOString()
      await note(newId(), d.merchantId, d.ann.cardId, at, at, clicked ? at : null)
    }
    expect(
      (
        await d.manager.req('PUT', '/api/merchant/insights/settings', {
          ...(await d.manager.get('/api/merchant/insights/settings')).body,
          pointValuePer100Minor: 250,
        })
      ).status,
    ).toBe(200)

    const res = await d.manager.get('/api/merchant/insights')
    expect(res.status).toBe(200)
    const f = res.body
    expect(f.today).toBe('2026-03-10')
    expect(f.members).toBe(7)
    expect(f.segments).toEqual({ new: 1, regular: 1, occasional: 1, at_risk: 1, lapsed: 3, high_value: 1 })
    expect(f.active30).toBe(2)
    // Visited 91-180 days ago: Ann, Bob, Eve, Gus; back in the last 90 days: Ann, Bob, Eve.
    expect(f.retention).toBe(0.75)
    expect(f.churn).toBe(0.25)
    // Six visited, five of them twice or more (Dan's second purchase was reversed).
    expect(f.repeatRate).toBe(5 / 6)
    // Last 90 days: Ann 4, Bob 2, Dan 1, Eve 1 visits = 8 over 4 members; spend 40 + 40 + 5 + 8 = 93.00.
    expect(f.visitFrequency).toBe(2)
    expect(f.averageSpend).toBe(Math.round(9300 / 8))
    // 365-day spend 219.00 over 6 members = 36.50 a year, for 1 / (1 - 0.75^4) years.
    expect(f.lifetimeValue).toBe(Math.round(3650 / (1 - 0.75 ** 4)))
    expect(f.lifetimeValue).toBe(5339)
    // Issued 219 + 7 - 7 (reversed) points, 30 redeemed.
    expect(f.pointsIssued365).toBe(219)
    expect(f.pointsRedeemed365).toBe(30)
    expect(f.redemptionRate).toBe(30 / 219)
    expect(f.liability).toEqual({ points: 189, valuePer100Minor: 250, valueMinor: 473 })
    expect(await count(t, 'select sum(balance) n from cards where merchant_id = ?', d.merchantId)).toBe(189)
    expect(f.push).toEqual({ optedIn: 2, optInRate: 2 / 7, sent30: 4, clicked30: 1, clickRate: 0.25 })
    expect(f.secondVisit).toEqual({ buckets: [0, 1, 0, 2, 1], over: 1, oneVisit: 1 })
    expect(f.cohorts).toHaveLength(12)
    expect(f.cohorts[4]).toEqual({ month: '2025-08', size: 1, retained: [1, 0, 1, 1, 0, 1, 1, 1] })
    expect(f.cohorts[7]).toEqual({ month: '2025-11', size: 2, retained: [2, 1, 0, 1, 0] })
    expect(f.atRisk).toEqual([
      { cardId: d.bob.cardId, name: 'Bob Risk', lastVisit: '2025-12-30', daysAway: 70, usualGap: 10, spend365: 8000 },
    ])
  })

  it('gives the same figures in a new process, from the summaries kept in the database', async () => {
    const d = await dataset()
    const first = (await d.manager.get('/api/merchant/insights')).body
    const reopened = await t.reopen()
    try {
      expect(await dashboard({ ...t.deps, db: reopened.db }, d.merchantId)).toEqual(first)
      expect(await count(t, 'select count(*) n from insight_members where merchant_id = ?', d.merchantId)).toBe(6)
    } finally {
      await reopened.close()
    }
  })

  it('moves members between segments as time passes and visits happen', async () => {
    const d = await dataset()
    t.clock.advance(21 * DAY_MS)
    await buy(d.merchantId, d.bob, -21, 2000)
    // Sessions do not last three weeks: a fresh manager.
    const manager = await addStaff(t, d.merchantId, 'manager')
    const f = (await manager.get('/api/merchant/insights')).body
    // Dan is no longer new (31 days since his first visit) and Bob came back.
    expect(f.segments).toMatchObject({ new: 0, at_risk: 0 })
    expect(f.segments.new + f.segments.regular + f.segments.occasional + f.segments.at_risk + f.segments.lapsed).toBe(7)
  })
})

describe('segments', () => {
  it("lists a segment's members, most recent visit first, page by page", async () => {
    const d = await dataset()
    const first = await d.manager.get('/api/merchant/insights/segments/lapsed?limit=2')
    expect(first.status).toBe(200)
    expect(first.body.total).toBe(3)
    expect(first.body.members.map((m: { name: string }) => m.name)).toEqual(['Gus, Gone', 'Cat Lapsed'])
    expect(first.body.members[0]).toMatchObject({
      lastVisit: '2025-11-10',
      visits: 2,
      spend365: 1800,
      usualGap: null,
      daysAway: 120,
      lifecycle: 'lapsed',
      highValue: false,
    })
    const rest = await d.manager.get('/api/merchant/insights/segments/lapsed?limit=2&offset=2')
    expect(rest.body.members).toEqual([
      expect.objectContaining({ name: '=Fay Never', lastVisit: null, visits: 0, daysAway: 95 }),
    ])
    const hv = await d.manager.get('/api/merchant/insights/segments/high_value')
    expect(hv.body.members).toEqual([
      expect.objectContaining({ name: 'Bob Risk', email: 'bob@example.test', lifecycle: 'at_risk', highValue: true }),
    ])
    // An email is listed only with marketing consent.
    const occasional = await d.manager.get('/api/merchant/insights/segments/occasional')
    expect(occasional.body.members).toEqual([expect.objectContaining({ name: 'Eve Occasional', email: null })])
    expect((await d.manager.get('/api/merchant/insights/segments/vip')).status).toBe(400)
    expect((await d.manager.get('/api/merchant/insights/segments/lapsed?limit=0')).status).toBe(400)
  })

  it('exports a segment as CSV with named columns, RFC 4180 quoting and no formulas', async () => {
    const d = await dataset()
    const res = await d.manager.get('/api/merchant/insights/segments/lapsed/csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="segment-lapsed-2026-03-10.csv"')
    const lines = (res.body as string).split('\r\n')
    expect(lines[0]).toBe(
      'card_number,name,email,joined,last_visit,visits,visits_90d,usual_gap_days,days_away,spend_365d,currency,lifecycle,high_value',
    )
    expect(lines[1]).toBe(`${d.gus.cardNumber},"Gus, Gone",,2025-09-21,2025-11-10,2,0,,120,18.00,EUR,lapsed,no`)
    expect(lines[2]).toBe(`${d.cat.cardNumber},Cat Lapsed,,2025-05-14,2025-08-22,2,0,,200,30.00,EUR,lapsed,no`)
    expect(lines[3]).toBe(`${d.fay.cardNumber},'=Fay Never,,2025-12-05,,0,0,,95,0.00,EUR,lapsed,no`)
    expect(lines[4]).toBe('')
    expect(lines).toHaveLength(5)
  })

  it('sends an offer to exactly the members of a segment who allow marketing', async () => {
    const d = await dataset()
    await addDevice(d.ann.client)
    await addDevice(d.bob.client)
    await addDevice(d.eve.client)
    const res = await d.manager.post('/api/merchant/push/offers', {
      title: 'We miss you',
      body: 'A coffee on us',
      segment: 'at_risk',
    })
    expect(res.status).toBe(201)
    expect(res.body.segment).toBe('at_risk')
    expect(await sendDueOffers(t.deps)).toEqual({ queued: 1 })
    const to = (await all(t.db, "select card_id from push_notifications where kind = 'offer'")) as {
      card_id: string
    }[]
    expect(to).toEqual([{ card_id: d.bob.cardId }])
    // Regular Ann gets an offer to regulars; Eve (occasional) did not agree to marketing.
    await d.manager.post('/api/merchant/push/offers', { title: 'Thanks', body: 'For coming', segment: 'regular' })
    await d.manager.post('/api/merchant/push/offers', { title: 'Hi', body: 'Now and then', segment: 'occasional' })
    expect(await sendDueOffers(t.deps)).toEqual({ queued: 1 })
    expect(
      await count(t, "select count(*) n from push_notifications where kind = 'offer' and card_id = ?", d.ann.cardId),
    ).toBe(1)
    expect(
      await count(t, "select count(*) n from push_notifications where kind = 'offer' and card_id = ?", d.eve.cardId),
    ).toBe(0)
  })
})

describe('thresholds', () => {
  it('are the defaults until the merchant edits them, and the segments follow', async () => {
    const d = await dataset()
    const s = (await d.manager.get('/api/merchant/insights/settings')).body
    expect(s).toEqual({
      newDays: 30,
      lapsedDays: 90,
      atRiskMultiplier: 2,
      atRiskMinDays: 7,
      defaultGapDays: 30,
      highValuePercent: 10,
      regularVisits: 3,
      pointValuePer100Minor: null,
    })
    const saved = await d.manager.req('PUT', '/api/merchant/insights/settings', {
      ...s,
      regularVisits: 5,
      lapsedDays: 250,
    })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ regularVisits: 5, lapsedDays: 250 })
    const f = (await d.manager.get('/api/merchant/insights')).body
    // Ann (4 visits in 90 days) is occasional now. Nobody is lapsed: Cat and Gus (away 200 and 120 days,
    // more than twice the default gap) are at risk with Bob; Fay, who never came, is occasional.
    expect(f.segments).toEqual({ new: 1, regular: 0, occasional: 3, at_risk: 3, lapsed: 0, high_value: 1 })
    expect(f.thresholds.regularVisits).toBe(5)
  })

  it('refuse values out of range with the field named', async () => {
    const d = await dataset()
    const s = (await d.manager.get('/api/merchant/insights/settings')).body
    for (const bad of [
      { newDays: 0 },
      { atRiskMultiplier: 0.5 },
      { highValuePercent: 80 },
      { regularVisits: 1.5 },
      { newDays: 120 },
      { pointValuePer100Minor: -1 },
    ]) {
      const res = await d.manager.req('PUT', '/api/merchant/insights/settings', { ...s, ...bad })
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect(res.body.error.code).toBe('validation_failed')
      expect(JSON.stringify(res.body.error.details)).toContain(Object.keys(bad)[0])
    }
    expect((await d.manager.get('/api/merchant/insights/settings')).body).toEqual(s)
  })
})

describe('permissions', () => {
  it("keep insights to the merchant's owner and managers", async () => {
    const d = await dataset()
    const cashier = await addStaff(t, d.merchantId, 'cashier')
    for (const path of [
      '/api/merchant/insights',
      '/api/merchant/insights/settings',
      '/api/merchant/insights/segments/lapsed',
      '/api/merchant/insights/segments/lapsed/csv',
    ]) {
      expect((await cashier.get(path)).status, path).toBe(403)
      expect((await t.client().get(path)).status, path).toBe(401)
    }
    expect((await cashier.req('PUT', '/api/merchant/insights/settings', { newDays: 10 })).status).toBe(403)
    // A member signed in to their wallet is not staff.
    const customer = t.client()
    expect((await customer.post('/api/join', { slug: d.slug, name: 'Zoe' })).status).toBe(201)
    expect((await customer.get('/api/merchant/insights')).status).toBe(401)
  })

  it('show a merchant nothing of another merchant', async () => {
    const d = await dataset()
    const other = await merchantWithOwner(t)
    const f = (await other.owner.get('/api/merchant/insights')).body
    expect(f).toMatchObject({ members: 0, active30: 0, atRisk: [], liability: { points: 0 } })
    expect((await other.owner.get('/api/merchant/insights/segments/lapsed')).body).toMatchObject({
      total: 0,
      members: [],
    })
    expect((await other.owner.get('/api/merchant/insights/segments/lapsed/csv')).body.split('\r\n')).toHaveLength(2)
    expect((await d.manager.get('/api/merchant/insights')).body.members).toBe(7)
  })

  it('are listed in the OpenAPI document, with the insights segments as offer targets', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/merchant/insights',
        '/merchant/insights/settings',
        '/merchant/insights/segments/{segment}',
        '/merchant/insights/segments/{segment}/csv',
      ]),
    )
    expect(doc.components.schemas.PushOffer.properties.segment.enum).toEqual(
      expect.arrayContaining(['at_risk', 'lapsed', 'high_value']),
    )
  })
})
