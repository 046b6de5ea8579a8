import { Webhook } from 'standardwebhooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyWebhook } from '../../docs/examples/webhook-receiver.js'
import { writeTx } from '../../server/db/connection.js'
import { cardById } from '../../server/db/queries/cards.js'
import { postEntry } from '../../server/services/program/post-entry.js'
import { WebhookSender } from '../../server/services/webhooks/sender.js'
import { WEBHOOK_EVENT_TYPES } from '../../server/contract/webhooks.js'
import { all, countOf } from '../helpers/db.js'
import { addStaff, idemKey, merchantWithOwner, posTill, staffClient } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { addEndpoint, LOCALHOST_OK, startReceiver } from '../helpers/webhooks.js'

let t: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
beforeEach(async () => {
  t = await makeTestApp(LOCALHOST_OK)
  receiver = await startReceiver()
})
afterEach(async () => {
  await receiver.close()
  await t.close()
})

const events = (type?: string) =>
  all<{ id: string; type: string; payload: string; merchant_id: string }>(
    t.db,
    type ? 'select * from webhook_events where type = ?' : 'select * from webhook_events',
    ...(type ? [type] : []),
  )

describe('events in the outbox', () => {
  it('an award writes its points.earned event in the same transaction, and a rolled-back one writes none', async () => {
    const till = await posTill(t)
    const hook = await addEndpoint(till.owner, receiver.url, ['points.earned'])
    expect((await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 1250 })).status).toBe(201)
    const [e] = await events('points.earned')
    const body = JSON.parse(e!.payload)
    expect(body).toMatchObject({ type: 'points.earned', businessId: till.merchantId, id: e!.id })
    expect(body.data).toMatchObject({ cardId: till.card.id, points: 125, balanceAfter: 125, amountMinor: 1250 })
    expect(await countOf(t.db, 'select count(*) as n from webhook_deliveries where endpoint_id = ?', hook.id)).toBe(1)

    const card = (await cardById(t.db, till.card.id))!
    await expect(
      writeTx(t.db, async (tx) => {
        await postEntry(tx, card, till.actor, { kind: 'earn', points: 5, reason: 'Purchase' }, null, t.clock.now())
        throw new Error('the rest of the award failed')
      }),
    ).rejects.toThrow('the rest of the award failed')
    expect(await events('points.earned')).toHaveLength(1)
    expect(await countOf(t.db, 'select count(*) as n from webhook_deliveries')).toBe(1)
  })

  it('writes nothing when no endpoint listens for the event', async () => {
    const till = await posTill(t)
    await addEndpoint(till.owner, receiver.url, ['member.joined'])
    await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 500 })
    expect(await events()).toHaveLength(0)
  })

  it('carries no name, email or birthday in any payload', async () => {
    const m = await merchantWithOwner(t, { pointsPerUnit: 10 })
    await addEndpoint(m.owner, receiver.url, [...WEBHOOK_EVENT_TYPES])
    const member = t.client()
    const joined = await member.post('/api/join', {
      slug: m.slug,
      name: 'Ada Lovelace',
      email: 'ada.lovelace@example.com',
      birthday: '1990-04-30',
    })
    expect(joined.status).toBe(201)
    const key = (await m.owner.post('/api/merchant/api-keys', { name: 'Till' })).body.key
    const earn = await t
      .client()
      .post(
        '/api/pos/v1/earn',
        { cardNumber: joined.body.card.cardNumber, amountMinor: 2000 },
        { authorization: `Bearer ${key}`, 'idempotency-key': idemKey() },
      )
    expect(earn.status).toBe(201)
    expect((await member.post('/api/me/delete', { confirm: true })).status).toBeLessThan(300)
    const types = (await events()).map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['member.joined', 'points.earned', 'member.erased']))
    for (const e of await events()) {
      expect(e.payload).not.toMatch(/Ada|Lovelace|ada\.lovelace|example\.com|1990-04-30/)
    }
  })
})

describe('signatures', () => {
  it('verify with the endpoint secret (our example and the standardwebhooks library), and fail on a tampered body or a timestamp five minutes off', async () => {
    t.clock.set(new Date()) // the library checks the timestamp against the real time
    const m = await merchantWithOwner(t)
    const hook = await addEndpoint(m.owner, receiver.url)
    expect((await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)).status).toBe(202)
    await new WebhookSender(t.deps).drain()
    const got = await receiver.waitFor(1)
    const headers = got.headers as Record<string, string>
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/)
    expect(new Webhook(hook.secret).verify(got.body, headers)).toMatchObject({ type: 'webhook.test' })
    expect(() => new Webhook(hook.secret).verify(got.body.replace('test', 'tost'), headers)).toThrow()
    const ts = Number(headers['webhook-timestamp'])
    expect(verifyWebhook(hook.secret, headers, got.body, ts + 299).id).toBe(got.id)
    expect(() => verifyWebhook(hook.secret, headers, got.body, ts + 301)).toThrow(/timestamp/)
    expect(() => verifyWebhook(hook.secret, headers, got.body, ts - 301)).toThrow(/timestamp/)
    expect(() => verifyWebhook(hook.secret, headers, `${got.body} `, ts)).toThrow(/signature/)
    const other = (await m.owner.post(`/api/merchant/webhooks/${hook.id}/rotate-secret`, { graceHours: 0 })).body.secret
    expect(() => verifyWebhook(other, headers, got.body, ts)).toThrow(/signature/)
  })

  it('during a secret rotation both signatures are present, and after the grace only the new one', async () => {
    const m = await merchantWithOwner(t)
    const hook = await addEndpoint(m.owner, receiver.url)
    const rotated = await m.owner.post(`/api/merchant/webhooks/${hook.id}/rotate-secret`, { graceHours: 24 })
    expect(rotated.status).toBe(200)
    expect(rotated.body.endpoint.previousSecretUntil).toBe(
      new Date(t.clock.now().getTime() + 24 * 3600_000).toISOString(),
    )
    const fresh = rotated.body.secret as string
    expect(fresh).toMatch(/^whsec_/)
    expect(fresh).not.toBe(hook.secret)
    const sender = new WebhookSender(t.deps)
    await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)
    await sender.drain()
    const got = await receiver.waitFor(1)
    const now = Math.floor(t.clock.now().getTime() / 1000)
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2)
    expect(verifyWebhook(hook.secret, got.headers, got.body, now).id).toBe(got.id)
    expect(verifyWebhook(fresh, got.headers, got.body, now).id).toBe(got.id)

    t.clock.advance(25 * 3600_000)
    const owner = await staffClient(t, m.ownerEmail) // the session lapsed meanwhile
    const second = await owner.post(`/api/merchant/webhooks/${hook.id}/test`)
    expect(second.status, JSON.stringify(second.body)).toBe(202)
    const report = await sender.drain()
    expect(report.delivered, JSON.stringify(await all(t.db, 'select * from webhook_deliveries'))).toBe(1)
    const later = await receiver.waitFor(2)
    const then = Math.floor(t.clock.now().getTime() / 1000)
    expect(String(later.headers['webhook-signature']).split(' ')).toHaveLength(1)
    expect(verifyWebhook(fresh, later.headers, later.body, then).id).toBe(later.id)
    expect(() => verifyWebhook(hook.secret, later.headers, later.body, then)).toThrow(/signature/)
  })
})

describe('addresses', () => {
  it('refuses private, loopback, link-local and plain-http endpoints, and writes nothing', async () => {
    const strict = await makeTestApp()
    try {
      const m = await merchantWithOwner(strict)
      for (const url of [
        'https://10.1.2.3/hook',
        'https://192.168.0.10/hook',
        'https://172.16.5.4/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://127.0.0.1/hook',
        'https://[::1]/hook',
        'https://[fe80::1]/hook',
        'https://[::ffff:10.0.0.1]/hook',
        'https://localhost/hook',
        'https://100.64.0.1/hook',
        receiver.url,
        'http://93.184.215.14/hook',
        'ftp://example.com/x',
      ]) {
        const res = await m.owner.post('/api/merchant/webhooks', { url, events: ['points.earned'] })
        expect(res.status, url).toBe(400)
        expect(res.body.error.code, url).toBe('validation_failed')
        expect(res.body.error.details[0].path, url).toBe('url')
      }
      expect(await countOf(strict.db, 'select count(*) as n from webhook_endpoints')).toBe(0)
    } finally {
      await strict.close()
    }
  })

  it('does not follow a redirect', async () => {
    const target = await startReceiver()
    const redirecting = await startReceiver({
      reply: () => ({ status: 302, headers: { location: target.url } }),
    })
    try {
      const m = await merchantWithOwner(t)
      const hook = await addEndpoint(m.owner, redirecting.url)
      await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)
      await new WebhookSender(t.deps).drain()
      expect(redirecting.received).toHaveLength(1)
      expect(target.received).toHaveLength(0)
      const d = (await m.owner.get(`/api/merchant/webhooks/${hook.id}/deliveries`)).body.deliveries[0]
      expect(d).toMatchObject({ state: 'queued', attempts: 1, lastStatus: 302 })
      expect(d.lastError).toMatch(/not followed/)
    } finally {
      await redirecting.close()
      await target.close()
    }
  })
})

describe('authorization', () => {
  it("business A's endpoints never receive business B's events", async () => {
    const a = await posTill(t)
    const b = await posTill(t)
    const receiverB = await startReceiver()
    try {
      const hookA = await addEndpoint(a.owner, receiver.url)
      const hookB = await addEndpoint(b.owner, receiverB.url)
      await b.earn({ cardNumber: b.card.cardNumber, amountMinor: 1000 })
      await b.earn({ cardNumber: b.card.cardNumber, amountMinor: 1000 })
      await a.earn({ cardNumber: a.card.cardNumber, amountMinor: 700 })
      await new WebhookSender(t.deps).drain()
      expect(receiver.received.map((r) => JSON.parse(r.body).businessId)).toEqual([a.merchantId])
      expect(receiverB.received.map((r) => JSON.parse(r.body).businessId)).toEqual([b.merchantId, b.merchantId])
      // A sees, changes and resends only its own.
      expect((await a.owner.get('/api/merchant/webhooks')).body.endpoints.map((e: { id: string }) => e.id)).toEqual([
        hookA.id,
      ])
      expect((await a.owner.get(`/api/merchant/webhooks/${hookB.id}/deliveries`)).status).toBe(404)
      expect((await a.owner.req('PATCH', `/api/merchant/webhooks/${hookB.id}`, { url: receiver.url })).status).toBe(404)
      expect((await a.owner.delete(`/api/merchant/webhooks/${hookB.id}`)).status).toBe(404)
      const bDelivery = (await b.owner.get(`/api/merchant/webhooks/${hookB.id}/deliveries`)).body.deliveries[0].id
      expect((await a.owner.post(`/api/merchant/webhooks/deliveries/${bDelivery}/resend`)).status).toBe(404)
      expect((await a.owner.post(`/api/merchant/webhooks/${hookB.id}/test`)).status).toBe(404)
      // The API key of A lists A's endpoints only.
      const listed = await t.client().get('/api/pos/v1/webhooks', { authorization: `Bearer ${a.apiKey.key}` })
      expect(listed.status).toBe(200)
      expect(listed.body.endpoints.map((e: { id: string }) => e.id)).toEqual([hookA.id])
    } finally {
      await receiverB.close()
    }
  })

  it('a cashier (or a manager) can neither see nor change endpoints', async () => {
    const m = await merchantWithOwner(t)
    const hook = await addEndpoint(m.owner, receiver.url)
    for (const role of ['cashier', 'manager'] as const) {
      const staff = await addStaff(t, m.merchantId, role)
      expect((await staff.get('/api/merchant/webhooks')).status).toBe(403)
      expect(
        (await staff.post('/api/merchant/webhooks', { url: receiver.url, events: ['points.earned'] })).status,
      ).toBe(403)
      expect((await staff.req('PATCH', `/api/merchant/webhooks/${hook.id}`, { enabled: false })).status).toBe(403)
      expect((await staff.delete(`/api/merchant/webhooks/${hook.id}`)).status).toBe(403)
      expect((await staff.get(`/api/merchant/webhooks/${hook.id}/deliveries`)).status).toBe(403)
      expect((await staff.post(`/api/merchant/webhooks/${hook.id}/test`)).status).toBe(403)
    }
    expect((await t.client().get('/api/pos/v1/webhooks')).status).toBe(401)
    expect(await countOf(t.db, 'select count(*) as n from webhook_endpoints')).toBe(1)
  })

  it('manages endpoints with an API key', async () => {
    const till = await posTill(t)
    const auth = { authorization: `Bearer ${till.apiKey.key}` }
    const api = t.client()
    const created = await api.req('POST', '/api/pos/v1/webhooks', { url: receiver.url, events: ['points.spent'] }, auth)
    expect(created.status).toBe(201)
    expect(created.body.secret).toMatch(/^whsec_/)
    const id = created.body.endpoint.id
    const patched = await api.req('PATCH', `/api/pos/v1/webhooks/${id}`, { events: ['points.earned'] }, auth)
    expect(patched.body.events).toEqual(['points.earned'])
    expect((await api.req('POST', `/api/pos/v1/webhooks/${id}/test`, {}, auth)).status).toBe(202)
    expect((await api.req('DELETE', `/api/pos/v1/webhooks/${id}`, undefined, auth)).status).toBe(204)
    expect(await countOf(t.db, 'select count(*) as n from webhook_endpoints')).toBe(0)
  })
})

describe('the OpenAPI document', () => {
  it('documents every event in its webhooks section, each with an example', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body
    for (const type of [...WEBHOOK_EVENT_TYPES, 'webhook.test']) {
      const op = doc.webhooks?.[type]?.post
      expect(op, type).toBeDefined()
      const content = op.requestBody.content['application/json']
      expect(content.example.type).toBe(type)
      expect(content.example.data).toBeTypeOf('object')
    }
    expect(doc.paths['/pos/v1/webhooks']).toBeDefined()
  })
})
