import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { notifyTierChange } from '../../server/services/push/automations.js'
import { addStaff, merchantWithOwner } from '../helpers/factories.js'
import { addDevice, count, member } from '../helpers/push.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const KEYS = {
  p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
  auth: 'tBHItJI5svbpez7KI4CCXg',
}

describe('VAPID key', () => {
  it('is generated once, kept in the data dir, and served to the browser', async () => {
    const a = await t.client().get('/api/push/public-key')
    expect(a.status).toBe(200)
    expect(Buffer.from(a.body.publicKey, 'base64url')).toHaveLength(65)
    expect((await t.client().get('/api/push/public-key')).body.publicKey).toBe(a.body.publicKey)
    const file = path.join(t.deps.config.dataDir, 'vapid.json')
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).publicKey).toBe(a.body.publicKey)
    expect(fs.statSync(file).mode & 0o077).toBe(0)
  })
})

describe('devices', () => {
  it('needs a wallet session', async () => {
    const res = await t
      .client()
      .post('/api/me/push/subscriptions', { endpoint: 'https://push.example.test/x', keys: KEYS })
    expect(res.status).toBe(401)
  })

  it('keeps one subscription per device: the endpoint moves to the wallet that subscribed last', async () => {
    const m = await merchantWithOwner(t)
    const a = await member(t, m.slug)
    const b = await member(t, m.slug, { name: 'Bea' })
    const endpoint = 'https://push.example.test/same-device'
    expect((await a.client.post('/api/me/push/subscriptions', { endpoint, keys: KEYS })).status).toBe(201)
    expect((await a.client.post('/api/me/push/subscriptions', { endpoint, keys: KEYS })).status).toBe(201)
    expect((await b.client.post('/api/me/push/subscriptions', { endpoint, keys: KEYS })).status).toBe(201)
    expect(await get(t.db, 'select count(*) n, max(customer_id) c from push_subscriptions')).toEqual({
      n: 1,
      c: ((await get(t.db, 'select customer_id from cards where id = ?', b.cardId)) as { customer_id: string })
        .customer_id,
    })
  })

  it('removes the device on unsubscribe, only for its own wallet', async () => {
    const m = await merchantWithOwner(t)
    const a = await member(t, m.slug)
    const b = await member(t, m.slug, { name: 'Bea' })
    await addDevice(a.client, { endpoint: 'https://push.example.test/a', keys: KEYS })
    expect((await b.client.post('/api/me/push/unsubscribe', { endpoint: 'https://push.example.test/a' })).status).toBe(
      204,
    )
    expect(await count(t, 'select count(*) n from push_subscriptions')).toBe(1)
    expect((await a.client.post('/api/me/push/unsubscribe', { endpoint: 'https://push.example.test/a' })).status).toBe(
      204,
    )
    expect(await count(t, 'select count(*) n from push_subscriptions')).toBe(0)
  })

  it('refuses an endpoint that is not a URL', async () => {
    const m = await merchantWithOwner(t)
    const a = await member(t, m.slug)
    const res = await a.client.post('/api/me/push/subscriptions', { endpoint: 'javascript:alert(1)', keys: KEYS })
    expect(res.status).toBe(400)
    expect(res.body.error.details[0].path).toBe('endpoint')
  })
})

describe("a member's switches", () => {
  it("are all on by default (feedback, off), saved per card, and private to the card's owner", async () => {
    const m = await merchantWithOwner(t)
    const a = await member(t, m.slug)
    const b = await member(t, m.slug, { name: 'Bea' })
    const url = `/api/me/cards/${a.cardId}/push-preferences`
    expect((await a.client.get(url)).body).toEqual({
      offers: true,
      birthday: true,
      expiring: true,
      tiers: true,
      reminders: true,
      feedback: false,
    })
    // A card installed before the feedback switch existed saves without it: it keeps its value.
    const off = { offers: false, birthday: true, expiring: true, tiers: false, reminders: true }
    expect((await a.client.req('PUT', url, off)).body).toEqual({ ...off, feedback: false })
    expect((await a.client.req('PUT', url, { ...off, feedback: true })).body).toEqual({ ...off, feedback: true })
    expect((await a.client.req('PUT', url, off)).body).toEqual({ ...off, feedback: true })
    expect((await a.client.get(url)).body).toEqual({ ...off, feedback: true })
    expect((await b.client.get(url)).status).toBe(404)
    expect((await b.client.req('PUT', url, off)).status).toBe(404)
  })
})

describe('the console', () => {
  it('is for owners and managers only', async () => {
    const m = await merchantWithOwner(t)
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const manager = await addStaff(t, m.merchantId, 'manager')
    expect((await cashier.get('/api/merchant/push/settings')).status).toBe(403)
    expect((await cashier.post('/api/merchant/push/offers', { title: 'x', body: 'y' })).status).toBe(403)
    expect((await manager.get('/api/merchant/push/figures')).status).toBe(200)
    expect((await t.client().get('/api/merchant/push/settings')).status).toBe(401)
  })

  it('shows the default settings and saves changes', async () => {
    const m = await merchantWithOwner(t)
    const s = (await m.owner.get('/api/merchant/push/settings')).body
    expect(s).toMatchObject({ quietStart: '21:00', quietEnd: '09:00', dailyCap: 1 })
    expect(s.automations.expiring).toMatchObject({ enabled: true, days: 14 })
    const next = {
      ...s,
      quietStart: '22:30',
      automations: { ...s.automations, winback: { ...s.automations.winback, enabled: false, days: 30 } },
    }
    const saved = await m.owner.req('PUT', '/api/merchant/push/settings', next)
    expect(saved.status).toBe(200)
    expect((await m.owner.get('/api/merchant/push/settings')).body).toEqual(next)
    const other = await merchantWithOwner(t)
    expect((await other.owner.get('/api/merchant/push/settings')).body.quietStart).toBe('21:00')
  })

  it('refuses a malformed quiet time and an offer in the past', async () => {
    const m = await merchantWithOwner(t)
    const s = (await m.owner.get('/api/merchant/push/settings')).body
    const bad = await m.owner.req('PUT', '/api/merchant/push/settings', { ...s, quietEnd: '25:00' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0].path).toBe('quietEnd')
    const past = await m.owner.post('/api/merchant/push/offers', {
      title: 'x',
      body: 'y',
      sendAt: '2020-01-01T00:00:00Z',
    })
    expect(past.status).toBe(400)
  })

  it('counts opt-ins, deliveries and clicks (each notification clicked once)', async () => {
    const m = await merchantWithOwner(t)
    const a = await member(t, m.slug)
    await member(t, m.slug, { name: 'Bea', marketingConsent: false })
    await addDevice(a.client)
    expect(await notifyTierChange(t.deps, a.cardId, null, 'Gold')).toBe('queued')
    const id = ((await get(t.db, 'select id from push_notifications')) as { id: string }).id
    // The service worker reports the click; no session is needed (the id is unguessable).
    expect((await t.client().post('/api/push/clicks', { notificationId: id })).status).toBe(204)
    expect((await t.client().post('/api/push/clicks', { notificationId: id })).status).toBe(204)
    const f = (await m.owner.get('/api/merchant/push/figures')).body
    expect(f).toEqual({
      members: 2,
      consenting: 1,
      optedIn: 1,
      notifications: 1,
      delivered: 0,
      failed: 0,
      pending: 1,
      clicked: 1,
      sinceDays: 30,
    })
  })

  it('lists the routes in the OpenAPI document', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/me/push/subscriptions', '/merchant/push/offers', '/push/clicks']),
    )
  })
})
