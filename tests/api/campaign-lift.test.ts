import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { holdoutGroup } from '../../server/domain/campaign-lift.js'
import { runBirthdays, sendDueOffers } from '../../server/services/push/automations.js'
import { couponIssuer } from '../../server/services/perks/coupon-issuer.js'
import { addStaff, merchantWithOwner } from '../helpers/factories.js'
import { ownerAgain, seedEntry } from '../helpers/insights.js'
import { addDevice, count, member } from '../helpers/push.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { DAY_MS } from '../../server/domain/time.js'
import { all, get } from '../helpers/db.js'
import { writeTx } from '../../server/db/connection.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const HOUR = 3_600_000

async function subscribedMembers(slug: string, n: number, over: { birthday?: string } = {}) {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const m = await member(t, slug, { name: `Member ${i}`, ...over })
    await addDevice(m.client)
    out.push(m.cardId)
  }
  return out
}

const groups = async (campaignId: string) =>
  (await all(
    t.db,
    'select card_id, grp, assigned_at from campaign_members where campaign_id = ? order by card_id',
    campaignId,
  )) as {
    card_id: string
    grp: 'target' | 'holdout'
    assigned_at: string
  }[]

describe('offer with a holdout', () => {
  it('holds out members at random, sends them nothing, and keeps the draw across a rerun', async () => {
    const m = await merchantWithOwner(t)
    const cards = await subscribedMembers(m.slug, 50)
    const res = await m.owner.post('/api/merchant/push/offers', {
      title: 'Hello {name}',
      body: 'Two coffees for one',
      holdoutPct: 50,
    })
    expect(res.status).toBe(201)
    const tally = await sendDueOffers(t.deps)
    const campaign = (await get(
      t.db,
      "select id, holdout_pct from campaigns where kind = 'offer' and source = ?",
      res.body.id,
    )) as { id: string; holdout_pct: number }
    expect(campaign.holdout_pct).toBe(50)
    const first = await groups(campaign.id)
    const held = first.filter((g) => g.grp === 'holdout').map((g) => g.card_id)
    expect(first).toHaveLength(50)
    // The draw is the keyed hash of campaign and card: recomputable, not stored randomness.
    expect(first.map((g) => g.grp)).toEqual(first.map((g) => holdoutGroup(campaign.id, g.card_id, 50)))
    expect(tally).toEqual({ queued: 50 - held.length, held_out: held.length })
    expect(held.length).toBeGreaterThan(0)
    for (const c of held)
      expect(await count(t, 'select count(*) n from push_notifications where card_id = ?', c)).toBe(0)
    expect(await count(t, "select count(*) n from push_notifications where kind = 'offer'")).toBe(50 - held.length)
    expect(((await get(t.db, 'select recipients from push_offers')) as { recipients: number }).recipients).toBe(
      50 - held.length,
    )

    // A restart mid-send resumes the offer: the groups and their times stay as first drawn.
    t.clock.advance(HOUR)
    await writeTx(t.db, (tx) => all(tx, "update push_offers set state = 'sending'"))
    expect(await sendDueOffers(t.deps)).toEqual({ duplicate: 50 - held.length, held_out: held.length })
    expect(await groups(campaign.id)).toEqual(first)
    expect(await count(t, "select count(*) n from push_notifications where kind = 'offer'")).toBe(50 - held.length)
    expect(cards).toHaveLength(50)
  })

  it("reports the lift from visits and spend in the 30 days after the send, in the merchant's time zone", async () => {
    const m = await merchantWithOwner(t)
    const cards = await subscribedMembers(m.slug, 50)
    // A purchase before the campaign does not count.
    for (const c of cards)
      await seedEntry(t, {
        cardId: c,
        merchantId: m.merchantId,
        at: new Date(t.clock.now().getTime() - DAY_MS).toISOString(),
      })
    const res = await m.owner.post('/api/merchant/push/offers', {
      title: 'Come back',
      body: 'Soup of the day',
      holdoutPct: 50,
    })
    await sendDueOffers(t.deps)
    const sentAt = t.clock.now().getTime()
    const campaignId = ((await get(t.db, 'select id from campaigns where source = ?', res.body.id)) as { id: string })
      .id
    const g = await groups(campaignId)
    const target = g.filter((x) => x.grp === 'target').map((x) => x.card_id)
    const holdout = g.filter((x) => x.grp === 'holdout').map((x) => x.card_id)
    const at = (ms: number) => new Date(sentAt + ms).toISOString()
    for (const c of target) {
      // Two visits spending 12.00 and 8.00: 23:10 UTC on the 15th and noon on the 16th are both the
      // 16th in Warsaw (UTC+1), so one visit.
      await seedEntry(t, { cardId: c, merchantId: m.merchantId, at: at(2 * DAY_MS), amountMinor: 1200 })
      await seedEntry(t, { cardId: c, merchantId: m.merchantId, at: '2026-03-15T23:10:00.000Z', amountMinor: 500 })
      await seedEntry(t, { cardId: c, merchantId: m.merchantId, at: '2026-03-16T12:00:00.000Z', amountMinor: 300 })
      // After the 30-day window: not counted.
      await seedEntry(t, { cardId: c, merchantId: m.merchantId, at: at(30 * DAY_MS + HOUR), amountMinor: 9900 })
    }
    for (const c of holdout) {
      await seedEntry(t, { cardId: c, merchantId: m.merchantId, at: at(3 * DAY_MS), amountMinor: 1000 })
      // A purchase undone by a reversal is no visit.
      const wrong = await seedEntry(t, { cardId: c, merchantId: m.merchantId, at: at(4 * DAY_MS), amountMinor: 7000 })
      await seedEntry(t, {
        cardId: c,
        merchantId: m.merchantId,
        at: at(4 * DAY_MS + 60_000),
        kind: 'reversal',
        points: -10,
        amountMinor: null,
        reverses: wrong,
      })
    }

    // Coupons redeemed: two target members inside their window, one holdout member after it.
    const redeem = (cardId: string, atMs: number) => {
      const couponId = `coupon-${cardId}`
      return writeTx(t.db, async (tx) => {
        await all(
          tx,
          `insert into coupons (id, merchant_id, card_id, code, source, title, valid_from, max_uses, uses, state, created_at)
           values (?, ?, ?, ?, 'campaign', 'Soup', ?, 1, 1, 'used', ?)`,
          couponId,
          m.merchantId,
          cardId,
          couponId.slice(-10),
          at(0),
          at(0),
        )
        await all(
          tx,
          'insert into coupon_redemptions (id, coupon_id, merchant_id, created_at) values (?, ?, ?, ?)',
          `r-${cardId}`,
          couponId,
          m.merchantId,
          at(atMs),
        )
      })
    }
    await redeem(target[0]!, 3 * DAY_MS)
    await redeem(target[1]!, 29 * DAY_MS)
    await redeem(holdout[0]!, 31 * DAY_MS)

    t.clock.advance(10 * DAY_MS)
    let owner = await ownerAgain(t, m.merchantId)
    let list = (await owner.get('/api/merchant/campaigns')).body.campaigns
    expect(list).toHaveLength(1)
    expect(list[0].report).toMatchObject({
      status: 'too_early',
      assigned: { target: target.length, holdout: holdout.length },
      measured: { target: 0, holdout: 0 },
    })

    t.clock.set(at(30 * DAY_MS))
    owner = await ownerAgain(t, m.merchantId)
    list = (await owner.get('/api/merchant/campaigns')).body.campaigns
    const r = list[0].report
    expect(list[0]).toMatchObject({ kind: 'offer', name: 'Come back', holdoutPct: 50, currency: 'EUR' })
    expect(r.status).toBe('ready')
    expect(r.measured).toEqual({ target: target.length, holdout: holdout.length })
    // Every target member: 2 visits, 20.00; every holdout member: 1 visit, 10.00. No spread, so the interval is the point.
    expect(r.visits).toEqual({ targetMean: 2, holdoutMean: 1, lift: 1, se: 0, low: 1, high: 1 })
    expect(r.spend).toEqual({ targetMean: 2000, holdoutMean: 1000, lift: 1000, se: 0, low: 1000, high: 1000 })
    expect(r.extraVisits).toEqual({ value: target.length, low: target.length, high: target.length })
    expect(r.redemptionsPerMember).toEqual({ target: 2 / target.length, holdout: 0 })
    expect(r.method).toMatch(/Welch/)
    const one = await owner.get(`/api/merchant/campaigns/${list[0].id}`)
    expect(one.body.report).toEqual(r)
  })

  it('is for owners and managers of the merchant only', async () => {
    const a = await merchantWithOwner(t)
    const b = await merchantWithOwner(t)
    await a.owner.post('/api/merchant/push/offers', { title: 'A', body: 'a', holdoutPct: 10 })
    const cashier = await addStaff(t, a.merchantId, 'cashier')
    expect((await cashier.get('/api/merchant/campaigns')).status).toBe(403)
    expect((await b.owner.get('/api/merchant/campaigns')).body.campaigns).toEqual([])
    const id = (await a.owner.get('/api/merchant/campaigns')).body.campaigns[0].id
    expect((await b.owner.get(`/api/merchant/campaigns/${id}`)).status).toBe(404)
    expect((await a.owner.post('/api/merchant/push/offers', { title: 'A', body: 'a', holdoutPct: 51 })).status).toBe(
      400,
    )
    const h = { welcome: 0, birthday: 0, expiring: 0, tier_up: 0, tier_at_risk: 0, winback: 20 }
    expect((await cashier.req('PUT', '/api/merchant/automation-holdouts', h)).status).toBe(403)
    expect(
      (await a.owner.req('PUT', '/api/merchant/automation-holdouts', { ...h, winback: 60 })).body.error,
    ).toMatchObject({ code: 'validation_failed' })
    expect((await a.owner.req('PUT', '/api/merchant/automation-holdouts', h)).body).toEqual(h)
    expect((await b.owner.get('/api/merchant/automation-holdouts')).body.winback).toBe(0)
    // Back to 0: the campaign stays (its members keep their group) but enrols nobody new.
    expect((await a.owner.req('PUT', '/api/merchant/automation-holdouts', { ...h, winback: 0 })).body.winback).toBe(0)
    expect(
      (await a.owner.get('/api/merchant/campaigns')).body.campaigns.map((c: { source: string; holdoutPct: number }) => [
        c.source,
        c.holdoutPct,
      ]),
    ).toContainEqual(['winback', 0])
  })
})

describe('automation with a holdout', () => {
  it('holds out a share of birthday members with no push and no coupon, once per member', async () => {
    const m = await merchantWithOwner(t)
    const manager = await addStaff(t, m.merchantId, 'manager')
    const put = await manager.req('PUT', '/api/merchant/automation-holdouts', {
      welcome: 0,
      birthday: 50,
      expiring: 0,
      tier_up: 0,
      tier_at_risk: 0,
      winback: 0,
    })
    expect(put.status).toBe(200)
    expect(put.body.birthday).toBe(50)
    await subscribedMembers(m.slug, 30, { birthday: '1990-03-10' })
    // Birthday pushes carry a coupon by default: the held-out members must get neither.
    const tally = await runBirthdays(t.deps, { coupons: couponIssuer })
    const campaignId = (
      (await get(t.db, "select id from campaigns where kind = 'automation' and source = 'birthday'")) as {
        id: string
      }
    ).id
    const g = await groups(campaignId)
    const held = g.filter((x) => x.grp === 'holdout')
    expect(g).toHaveLength(30)
    expect(tally).toEqual({ queued: 30 - held.length, held_out: held.length })
    for (const h of held) {
      expect(await count(t, 'select count(*) n from push_notifications where card_id = ?', h.card_id)).toBe(0)
      expect(await count(t, 'select count(*) n from coupons where card_id = ?', h.card_id)).toBe(0)
    }
    expect(await count(t, "select count(*) n from coupons where source = 'automation'")).toBe(30 - held.length)
    expect(await runBirthdays(t.deps, { coupons: couponIssuer })).toEqual({ duplicate: 30 })
    expect(await groups(campaignId)).toEqual(g)
    const list = (await manager.get('/api/merchant/campaigns')).body.campaigns
    expect(list).toEqual([expect.objectContaining({ kind: 'automation', source: 'birthday', holdoutPct: 50 })])
  })
})
