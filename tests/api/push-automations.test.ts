import { writeTx } from '../../server/db/connection.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from '../../server/db/connection.js'
import type { Card } from '../../server/db/schema.js'
import { postEntry } from '../../server/services/program/post-entry.js'
import {
  notifyTierChange,
  runBirthdays,
  runExpiring,
  runTierChanges,
  runWelcome,
  runWinback,
  sendDueOffers,
} from '../../server/services/push/automations.js'
import { PushSender } from '../../server/services/push/sender.js'
import { couponIssuer } from '../../server/services/perks/coupon-issuer.js'
import { addStaff, idemKey, merchantWithOwner, scan } from '../helpers/factories.js'
import { addDevice, count, member } from '../helpers/push.js'
import { startScriptedEndpoint } from '../helpers/push-service.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { DAY_MS } from '../../server/domain/time.js'
import { all, get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const payloads = async (kind: string) =>
  (
    (await all(t.db, 'select payload from push_notifications where kind = ? order by created_at', kind)) as {
      payload: string
    }[]
  ).map((r) => JSON.parse(r.payload))

async function subscribed(over: { birthday?: string; marketingConsent?: boolean; name?: string } = {}, slug?: string) {
  const m = slug ? { slug } : await merchantWithOwner(t)
  const mem = await member(t, m.slug, over)
  await addDevice(mem.client)
  return { ...m, ...mem }
}

describe('birthday', () => {
  it('fires once per year on the day', async () => {
    const { cardId } = await subscribed({ birthday: '1990-03-10' })
    expect(await runBirthdays(t.deps)).toEqual({ queued: 1 })
    expect(await runBirthdays(t.deps)).toEqual({ duplicate: 1 })
    t.clock.advance(DAY_MS)
    expect(await runBirthdays(t.deps)).toEqual({ duplicate: 1 })
    t.clock.advance(30 * DAY_MS)
    expect(await runBirthdays(t.deps)).toEqual({})
    t.clock.set('2027-03-10T12:00:00Z')
    expect(await runBirthdays(t.deps)).toEqual({ queued: 1 })
    expect(
      await count(t, 'select count(*) n from push_notifications where card_id = ? and kind = ?', cardId, 'birthday'),
    ).toBe(2)
  })

  it('fires at most once across a restart', async () => {
    await subscribed({ birthday: '1990-03-10' })
    expect(await runBirthdays(t.deps)).toEqual({ queued: 1 })
    // A new process over the same database file.
    const reopened = await t.reopen()
    await migrate(reopened.db)
    const deps2 = { ...t.deps, db: reopened.db }
    expect(await runBirthdays(deps2)).toEqual({ duplicate: 1 })
    await reopened.close()
    expect(await count(t, "select count(*) n from push_notifications where kind = 'birthday'")).toBe(1)
  })

  it('catches up a birthday missed while the server was down, but not one long past', async () => {
    await subscribed({ birthday: '1990-03-08' })
    expect(await runBirthdays(t.deps)).toEqual({ queued: 1 })
    await subscribed({ birthday: '1990-03-01' })
    expect(await runBirthdays(t.deps)).toEqual({ duplicate: 1 })
  })

  it("goes by the merchant's time zone and waits for the end of quiet hours", async () => {
    // 23:30 UTC on the 9th is 00:30 on the 10th in Warsaw: the birthday, inside quiet hours (21-09).
    t.clock.set('2026-03-09T23:30:00Z')
    const ep = await startScriptedEndpoint([{ status: 201 }])
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug, { birthday: '1990-03-10' })
    await addDevice(mem.client, {
      endpoint: `${ep.url}/d`,
      keys: {
        p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
        auth: 'tBHItJI5svbpez7KI4CCXg',
      },
    })
    expect(await runBirthdays(t.deps)).toEqual({ queued: 1 })
    expect(await get(t.db, 'select not_before from push_outbox')).toEqual({
      not_before: '2026-03-10T08:00:00.000Z',
    })
    const sender = new PushSender(t.deps)
    expect(await sender.drain()).toMatchObject({ sent: 0 })
    t.clock.set('2026-03-10T07:59:00Z')
    expect(await sender.drain()).toMatchObject({ sent: 0 })
    t.clock.set('2026-03-10T08:00:00Z')
    expect(await sender.drain()).toMatchObject({ sent: 1 })
    expect(ep.seen).toHaveLength(1)
    await ep.close()
  })

  it("needs marketing consent and respects the member's birthday switch", async () => {
    const m = await merchantWithOwner(t)
    const noConsent = await member(t, m.slug, { birthday: '1990-03-10', marketingConsent: false })
    await addDevice(noConsent.client)
    const switchedOff = await member(t, m.slug, { birthday: '1990-03-10' })
    await addDevice(switchedOff.client)
    const prefs = { offers: true, birthday: false, expiring: true, tiers: true, reminders: true }
    expect(
      (await switchedOff.client.req('PUT', `/api/me/cards/${switchedOff.cardId}/push-preferences`, prefs)).status,
    ).toBe(200)
    expect(await runBirthdays(t.deps)).toEqual({ no_consent: 1, switched_off: 1 })
  })

  it('attaches a birthday coupon, once, and the notification opens it', async () => {
    const { cardId } = await subscribed({ birthday: '1990-03-10' })
    expect(await runBirthdays(t.deps, { coupons: couponIssuer })).toEqual({ queued: 1 })
    expect(await runBirthdays(t.deps, { coupons: couponIssuer })).toEqual({ duplicate: 1 })
    const coupons = (await all(
      t.db,
      'select id, source, state, valid_until from coupons where card_id = ?',
      cardId,
    )) as { id: string }[]
    expect(coupons).toEqual([
      {
        id: expect.any(String),
        source: 'automation',
        state: 'active',
        valid_until: new Date(t.clock.now().getTime() + 30 * DAY_MS).toISOString(),
      },
    ])
    expect((await payloads('birthday'))[0]).toMatchObject({
      url: `/cards/${cardId}/coupons?coupon=${coupons[0]!.id}`,
      couponId: coupons[0]!.id,
    })
  })
})

describe('the daily cap', () => {
  it('holds one marketing push per member per day; transactional pushes are not capped', async () => {
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug, { birthday: '1990-03-10' })
    await addDevice(mem.client)
    const offer = (title: string) =>
      m.owner.post('/api/merchant/push/offers', { title, body: 'Two for one', segment: 'all' })
    expect((await offer('First')).status).toBe(201)
    expect(await sendDueOffers(t.deps)).toEqual({ queued: 1 })
    expect(await runBirthdays(t.deps)).toEqual({ capped: 1 })
    expect((await offer('Second')).status).toBe(201)
    expect(await sendDueOffers(t.deps)).toEqual({ capped: 1 })

    // Awards at the till each get their "you earned" push.
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    for (const amount of [500, 700]) {
      const handle = await scan(t, cashier, mem)
      expect(
        (await cashier.post('/api/staff/earn', { handle, amountMinor: amount }, { 'Idempotency-Key': idemKey() }))
          .status,
      ).toBe(201)
    }
    expect((await payloads('earned')).map((p) => p.body)).toEqual([
      'You earned 5 points. Balance: 5.',
      'You earned 7 points. Balance: 12.',
    ])

    // The next day the birthday catch-up gets through.
    t.clock.advance(DAY_MS)
    expect(await runBirthdays(t.deps)).toEqual({ queued: 1 })
  })
})

describe('win-back', () => {
  // A fresh cashier each time: weeks pass between visits and staff sessions expire.
  async function visit(merchantId: string, card: { cardNumber: string; totpSecret: string }) {
    const cashier = await addStaff(t, merchantId, 'cashier')
    const handle = await scan(t, cashier, card)
    expect(
      (await cashier.post('/api/staff/earn', { handle, amountMinor: 1000 }, { 'Idempotency-Key': idemKey() })).status,
    ).toBe(201)
  }

  it('fires once per lapse, when a member is away more than twice their usual gap', async () => {
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug)
    await addDevice(mem.client)
    for (let i = 0; i < 3; i++) {
      await visit(m.merchantId, mem)
      t.clock.advance(10 * DAY_MS)
    }
    // Last visit 10 days ago, usual gap 10 days: not lapsed yet.
    expect(await runWinback(t.deps)).toEqual({})
    t.clock.advance(11 * DAY_MS)
    expect(await runWinback(t.deps)).toEqual({ queued: 1 })
    t.clock.advance(DAY_MS)
    expect(await runWinback(t.deps)).toEqual({ duplicate: 1 })
    // They come back, then lapse again: a new lapse, a new push.
    await visit(m.merchantId, mem)
    expect(await runWinback(t.deps)).toEqual({})
    t.clock.advance(40 * DAY_MS)
    expect(await runWinback(t.deps)).toEqual({ queued: 1 })
    expect((await payloads('winback'))[0]).toMatchObject({ title: 'We miss you, Ada' })
  })

  it("fires after twice the merchant's default gap for a member with too few visits to know their habit", async () => {
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug)
    await addDevice(mem.client)
    await visit(m.merchantId, mem)
    // The default usual gap is 30 days (insights thresholds): at risk after more than 60.
    t.clock.advance(60 * DAY_MS)
    expect(await runWinback(t.deps)).toEqual({})
    t.clock.advance(DAY_MS)
    expect(await runWinback(t.deps)).toEqual({ queued: 1 })
  })
})

describe('other automations', () => {
  it('welcomes a member once, after they enable push', async () => {
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug, { marketingConsent: false })
    expect(await runWelcome(t.deps)).toEqual({})
    await addDevice(mem.client)
    expect(await runWelcome(t.deps)).toEqual({ queued: 1 })
    expect(await runWelcome(t.deps)).toEqual({ duplicate: 1 })
    expect((await payloads('welcome'))[0].title).toBe(`Welcome to Shop ${/\d+/.exec(m.slug)![0]}`)
  })

  it('warns N days before points expire, once per expiry date, with the points', async () => {
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug)
    await addDevice(mem.client)
    const expires = new Date(t.clock.now().getTime() + 20 * DAY_MS).toISOString()
    const post = (p: { kind: 'earn' | 'redeem'; points: number; reason: string; lotExpiresAt?: string }) =>
      writeTx(t.db, (tx) =>
        postEntry(
          tx,
          { id: mem.cardId, merchant_id: m.merchantId } as Card,
          { merchantId: m.merchantId, staffId: null, apiKeyId: null, role: 'pos' },
          { ...p, programVersion: 1 },
          null,
          t.clock.now(),
        ),
      )
    await post({ kind: 'earn', points: 40, reason: 'test lot', lotExpiresAt: expires })
    // 30 of them are spent: what expires is what is left of the lot (oldest lots are spent first).
    await post({ kind: 'redeem', points: -30, reason: 'test spend' })
    expect(await runExpiring(t.deps)).toEqual({})
    t.clock.advance(7 * DAY_MS) // 13 days before: inside the default 14
    expect(await runExpiring(t.deps)).toEqual({ queued: 1 })
    expect(await runExpiring(t.deps)).toEqual({ duplicate: 1 })
    expect((await payloads('expiring'))[0].body).toMatch(/^10 of your points at Shop \d+ expire soon/)
  })

  it('sends an offer to its segment only, and only to members who allow marketing', async () => {
    const m = await merchantWithOwner(t)
    const old = await subscribed({}, m.slug)
    await subscribed({ marketingConsent: false }, m.slug)
    t.clock.advance(40 * DAY_MS)
    const fresh = await subscribed({ name: 'Bea' }, m.slug)
    const manager = await addStaff(t, m.merchantId, 'manager')
    const res = await manager.post('/api/merchant/push/offers', {
      title: 'Hello {name}',
      body: 'New this week',
      segment: 'new_30d',
    })
    expect(res.status).toBe(201)
    expect(await sendDueOffers(t.deps)).toEqual({ queued: 1 })
    expect(await payloads('offer')).toEqual([
      expect.objectContaining({ title: 'Hello Bea', url: `/cards/${fresh.cardId}` }),
    ])
    const all = await manager.post('/api/merchant/push/offers', {
      title: 'To all',
      body: 'Hi',
      segment: 'all',
      sendAt: new Date(t.clock.now().getTime() + DAY_MS).toISOString(),
    })
    expect(await sendDueOffers(t.deps)).toEqual({})
    t.clock.advance(DAY_MS)
    expect(await sendDueOffers(t.deps)).toEqual({ queued: 2 })
    expect(
      (await payloads('offer'))
        .slice(1)
        .map((p) => p.url)
        .sort(),
    ).toEqual([`/cards/${old.cardId}`, `/cards/${fresh.cardId}`].sort())
    const list = (await (await addStaff(t, m.merchantId, 'manager')).get('/api/merchant/push/offers')).body.offers
    expect(list.find((o: { id: string }) => o.id === all.body.id)).toMatchObject({ state: 'sent', recipients: 2 })
  })

  it('announces a tier the engine granted at the till, once', async () => {
    const m = await merchantWithOwner(t)
    const rules = {
      pointsPerUnit: 1,
      unitMinor: 100,
      tiers: [{ name: 'Silver', threshold: 10, multiplier: 1, perks: '' }],
    }
    expect((await m.owner.req('PUT', '/api/merchant/program', { rules })).status).toBe(200)
    const mem = await member(t, m.slug, { marketingConsent: false })
    await addDevice(mem.client)
    const handle = await scan(t, m.owner, mem)
    expect(
      (await m.owner.post('/api/staff/earn', { handle, amountMinor: 1500 }, { 'idempotency-key': idemKey() })).status,
    ).toBe(201)
    await runTierChanges(t.deps)
    await runTierChanges(t.deps)
    expect((await payloads('tier_up')).map((p) => p.title)).toEqual(['You reached Silver!'])
  })

  it('tells a member about a tier change once (called by the tier engine)', async () => {
    const { cardId } = await subscribed({ marketingConsent: false })
    expect(await notifyTierChange(t.deps, cardId, 'Silver', 'Gold')).toBe('queued')
    expect(await notifyTierChange(t.deps, cardId, 'Silver', 'Gold')).toBe('duplicate')
    expect(await notifyTierChange(t.deps, cardId, 'Gold', 'Silver', { direction: 'at_risk', period: '2026-Q1' })).toBe(
      'queued',
    )
    expect((await payloads('tier_up'))[0].title).toBe('You reached Gold!')
    expect((await payloads('tier_at_risk'))[0].title).toBe('Keep your Gold status')
  })
})
