import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { webhookHandler, type WebhookEvent } from '../../docs/examples/webhook-receiver.js'
import {
  DISABLE_AFTER_FAILING_MS,
  REQUEST_TIMEOUT_MS,
  RETRY_SCHEDULE_MS,
  retryDelayMs,
} from '../../server/domain/webhook-rules.js'
import { WebhookSender } from '../../server/services/webhooks/sender.js'
import { postWebhook } from '../../server/services/webhooks/transport.js'
import { startMailbox } from '../helpers/account.js'
import { all, get } from '../helpers/db.js'
import { merchantWithOwner, posTill } from '../helpers/factories.js'
import { makeTestApp, T0, type TestApp } from '../helpers/test-app.js'
import { addEndpoint, LOCALHOST_OK, startReceiver, type Reply } from '../helpers/webhooks.js'

/*
 * Delivery against real receivers on loopback, with the app's clock moved by the test: retries
 * happen when the schedule says, never by sleeping.
 */
let t: TestApp
let mailbox: Awaited<ReturnType<typeof startMailbox>>
const closers: Array<() => Promise<void>> = []
beforeEach(async () => {
  mailbox = await startMailbox()
  t = await makeTestApp({ ...LOCALHOST_OK, SMTP_URL: mailbox.url })
})
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
  await t.close()
  await mailbox.close()
})

async function receiverWith(reply: (n: number) => Reply) {
  const r = await startReceiver({ reply })
  closers.push(r.close)
  return r
}

const attemptTimes = async (endpointId: string) =>
  (
    await all<{ created_at: string }>(
      t.db,
      'select a.created_at from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id where d.endpoint_id = ? order by a.created_at',
      endpointId,
    )
  ).map((r) => r.created_at)

const deliveryOf = (endpointId: string) =>
  get<{
    id: string
    state: string
    attempts: number
    not_before: string
    last_status: number | null
    last_error: string | null
  }>(t.db, 'select * from webhook_deliveries where endpoint_id = ? order by created_at desc limit 1', endpointId)

describe('retries', () => {
  it('three 500s then a 200 give attempts at the scheduled times, with the same webhook-id', async () => {
    const r = await receiverWith((n) => ({ status: n <= 3 ? 500 : 200 }))
    const m = await merchantWithOwner(t)
    const hook = await addEndpoint(m.owner, r.url)
    await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)
    const sender = new WebhookSender(t.deps)
    const expected = [T0.toISOString()]
    await sender.drain()
    const { id } = (await deliveryOf(hook.id))!
    for (let n = 1; n <= 3; n++) {
      const wait = retryDelayMs(n, id)!
      expect(wait).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[n - 1]!)
      expect(wait).toBeLessThanOrEqual(RETRY_SCHEDULE_MS[n - 1]! * 1.1)
      t.clock.advance(wait - 1)
      await sender.drain()
      expect(r.received, `not before retry ${n} is due`).toHaveLength(n)
      t.clock.advance(1)
      await sender.drain()
      expect(r.received).toHaveLength(n + 1)
      expected.push(t.clock.now().toISOString())
    }
    expect(await attemptTimes(hook.id)).toEqual(expected)
    expect(await deliveryOf(hook.id)).toMatchObject({ state: 'delivered', attempts: 4, last_status: 200 })
    expect(new Set(r.received.map((x) => x.id)).size).toBe(1)
    expect((await m.owner.get(`/api/merchant/webhooks/${hook.id}/deliveries`)).body.deliveries[0]).toMatchObject({
      state: 'delivered',
      attempts: 4,
      lastStatus: 200,
      eventType: 'webhook.test',
    })
  })

  it('Retry-After: 120 on a 429 waits 120 s', async () => {
    const r = await receiverWith((n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 200 },
    )
    const m = await merchantWithOwner(t)
    const hook = await addEndpoint(m.owner, r.url)
    await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)
    const sender = new WebhookSender(t.deps)
    await sender.drain()
    expect((await deliveryOf(hook.id))!.not_before).toBe(new Date(T0.getTime() + 120_000).toISOString())
    t.clock.advance(119_999)
    await sender.drain()
    expect(r.received).toHaveLength(1)
    t.clock.advance(1)
    await sender.drain()
    expect(r.received).toHaveLength(2)
    expect(await deliveryOf(hook.id)).toMatchObject({ state: 'delivered', attempts: 2 })
  })

  it('a hung receiver times out and the delivery is retried', async () => {
    expect(REQUEST_TIMEOUT_MS).toBe(15_000)
    const r = await receiverWith((n) => (n === 1 ? 'hang' : { status: 200 }))
    const m = await merchantWithOwner(t)
    const hook = await addEndpoint(m.owner, r.url)
    await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)
    // The 15 s limit, shortened for the test: the same timer either way.
    const sender = new WebhookSender(t.deps, { timeoutMs: 300 })
    await sender.drain()
    const d = (await deliveryOf(hook.id))!
    expect(d).toMatchObject({ state: 'queued', attempts: 1, last_status: null })
    expect(d.last_error).toMatch(/timeout/)
    t.clock.advance(retryDelayMs(1, d.id)!)
    await sender.drain()
    expect(await deliveryOf(hook.id)).toMatchObject({ state: 'delivered', attempts: 2 })
  })

  it('fails a delivery after its last scheduled attempt', async () => {
    const r = await receiverWith(() => ({ status: 503 }))
    const m = await merchantWithOwner(t)
    const hook = await addEndpoint(m.owner, r.url)
    await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)
    const sender = new WebhookSender(t.deps)
    await sender.drain()
    for (let n = 1; n <= RETRY_SCHEDULE_MS.length; n++) {
      t.clock.advance(retryDelayMs(n, (await deliveryOf(hook.id))!.id)!)
      await sender.drain()
    }
    expect(r.received).toHaveLength(RETRY_SCHEDULE_MS.length + 1)
    expect(await deliveryOf(hook.id)).toMatchObject({ state: 'failed', attempts: 8, last_status: 503 })
  })
})

describe('disabling', () => {
  it('410 disables the endpoint, says why, and tells the owner', async () => {
    const r = await receiverWith(() => ({ status: 410 }))
    const m = await merchantWithOwner(t)
    const hook = await addEndpoint(m.owner, r.url)
    await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)
    await new WebhookSender(t.deps).drain()
    const [endpoint] = (await m.owner.get('/api/merchant/webhooks')).body.endpoints
    expect(endpoint).toMatchObject({ state: 'disabled', disabledReason: 'gone' })
    expect(endpoint.disabledDetail).toMatch(/410/)
    expect((await deliveryOf(hook.id))!.state).toBe('failed')
    const mail = await mailbox.waitFor(1)
    expect(mail.to && JSON.stringify(mail.to)).toContain(m.ownerEmail)
    expect(mail.text).toContain(r.url)
    // Nothing more is queued for it; test events and resends are refused until it is enabled.
    expect((await m.owner.post(`/api/merchant/webhooks/${hook.id}/test`)).status).toBe(409)
    const enabled = await m.owner.req('PATCH', `/api/merchant/webhooks/${hook.id}`, { enabled: true })
    expect(enabled.body).toMatchObject({ state: 'active', disabledReason: null })
  })

  it('an endpoint failing for five days is disabled with a notice to the owner', async () => {
    const r = await receiverWith(() => ({ status: 500 }))
    const till = await posTill(t)
    const hook = await addEndpoint(till.owner, r.url)
    const sender = new WebhookSender(t.deps)
    await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 100 })
    await sender.drain()
    t.clock.advance(DISABLE_AFTER_FAILING_MS - 60_000)
    await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 100 })
    await sender.drain()
    expect(
      (await get<{ state: string }>(t.db, 'select state from webhook_endpoints where id = ?', hook.id))!.state,
    ).toBe('active')
    t.clock.advance(60_000)
    await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 100 })
    await sender.drain()
    const row = await get<{ state: string; disabled_reason: string; disabled_detail: string }>(
      t.db,
      'select * from webhook_endpoints where id = ?',
      hook.id,
    )
    expect(row).toMatchObject({ state: 'disabled', disabled_reason: 'failing' })
    expect(row!.disabled_detail).toContain(T0.toISOString())
    expect((await mailbox.waitFor(1)).subject).toMatch(/disabled/)
    expect(
      (await all<{ state: string }>(t.db, 'select state from webhook_deliveries where endpoint_id = ?', hook.id)).map(
        (d) => d.state,
      ),
    ).toEqual(['failed', 'failed', 'failed'])
  })
  it('an attempt that answers after its endpoint was disabled fails instead of queuing a retry', async () => {
    const r = await receiverWith(() => ({ status: 500 }))
    const till = await posTill(t)
    const hook = await addEndpoint(till.owner, r.url)
    const endpointState = async () =>
      (await get<{ state: string }>(t.db, 'select state from webhook_endpoints where id = ?', hook.id))!.state
    await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 100 })
    await new WebhookSender(t.deps).drain()
    const firstId = r.received[0]!.id
    // Five days on, the first delivery's retry and a new one go out in the same round; the new one's
    // answer is held until the first one's failure has disabled the endpoint.
    t.clock.advance(DISABLE_AFTER_FAILING_MS)
    await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 100 })
    const sender = new WebhookSender(t.deps, {
      post: async (url, headers, body, opts) => {
        if (headers['webhook-id'] !== firstId)
          for (let i = 0; (await endpointState()) !== 'disabled'; i++) {
            if (i > 400) throw new Error('the endpoint was never disabled')
            await new Promise((done) => setTimeout(done, 25))
          }
        return postWebhook(url, headers, body, opts)
      },
    })
    const report = await sender.drain()
    // The first was queued for a retry and then failed by the disable; the late answer failed at once.
    expect(report).toMatchObject({ disabled: 1, retried: 1, failed: 1 })
    expect(r.received).toHaveLength(3)
    expect(await endpointState()).toBe('disabled')
    expect(
      (await all<{ state: string }>(t.db, 'select state from webhook_deliveries where endpoint_id = ?', hook.id)).map(
        (d) => d.state,
      ),
    ).toEqual(['failed', 'failed'])
  })
})

describe('at least once, exactly once at the receiver', () => {
  it('delivers each event to each subscribed endpoint, and the docs example handles each once despite lost answers and a resend', async () => {
    const till = await posTill(t)
    const now = () => Math.floor(t.clock.now().getTime() / 1000)
    const sites: Record<
      string,
      { id: string; handled: WebhookEvent[]; server: Awaited<ReturnType<typeof startReceiver>> }
    > = {}
    for (const name of ['crm', 'pos', 'marketing']) {
      const handled: WebhookEvent[] = []
      const secret = { value: '' }
      const answered = new Set<string>()
      let example: ReturnType<typeof webhookHandler> | null = null
      const server = await startReceiver({
        handler: (req, res) => {
          const id = String(req.headers['webhook-id'])
          // The crm's first answer to each event is lost on the way back: the work was done, and we retry.
          if (name === 'crm' && !answered.has(id)) {
            answered.add(id)
            res.writeHead = (() => res) as typeof res.writeHead
            res.end = (() => (req.socket?.destroy(), res)) as typeof res.end
          }
          example ??= webhookHandler({ secret: secret.value, now, onEvent: (e) => void handled.push(e) })
          example(req, res)
        },
      })
      closers.push(server.close)
      const hook = await addEndpoint(
        till.owner,
        server.url,
        name === 'marketing' ? ['member.joined'] : ['points.earned', 'points.spent'],
      )
      secret.value = hook.secret
      sites[name] = { id: hook.id, handled, server }
    }
    for (const amount of [100, 200, 300]) await till.earn({ cardNumber: till.card.cardNumber, amountMinor: amount })
    const sender = new WebhookSender(t.deps)
    await sender.drain()
    t.clock.advance(RETRY_SCHEDULE_MS[0]! * 1.1)
    await sender.drain()
    // A resend of one of the pos's deliveries: the same webhook-id arrives again.
    const first = (await till.owner.get(`/api/merchant/webhooks/${sites.pos!.id}/deliveries`)).body.deliveries[0]
    expect((await till.owner.post(`/api/merchant/webhooks/deliveries/${first.id}/resend`)).status).toBe(202)
    await sender.drain()

    const ids = (await all<{ id: string }>(t.db, "select id from webhook_events where type = 'points.earned'"))
      .map((e) => e.id)
      .sort()
    expect(ids).toHaveLength(3)
    expect(sites.crm!.server.received).toHaveLength(6) // each event twice: the first answer was lost
    expect(sites.pos!.server.received).toHaveLength(4) // three, and the resend
    expect(sites.marketing!.server.received).toHaveLength(0)
    expect(sites.crm!.handled.map((e) => e.id).sort()).toEqual(ids)
    expect(sites.pos!.handled.map((e) => e.id).sort()).toEqual(ids)
    expect(sites.marketing!.handled).toEqual([])
  })
})
