import { writeTx } from '../../server/db/connection.js'
import webpush from 'web-push'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { runBirthdays } from '../../server/services/push/automations.js'
import { JWT_REUSE_MS } from '../../server/push/web-push.js'
import { PushSender } from '../../server/services/push/sender.js'
import { queueNotification } from '../../server/services/push/queue.js'
import { merchantWithOwner } from '../helpers/factories.js'
import { addDevice, count, member } from '../helpers/push.js'
import { startPushService, startScriptedEndpoint } from '../helpers/push-service.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { all, get } from '../helpers/db.js'

let t: TestApp
let service: Awaited<ReturnType<typeof startPushService>>
beforeAll(async () => {
  service = await startPushService()
})
afterAll(() => service.close())
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

// T0 is 2026-03-10 12:00 UTC: 13:00 in Warsaw, the factories' merchant time zone, outside quiet hours.
const BIRTHDAY = '1990-03-10'

async function subscribedMember(over: { serverKey?: string } = {}) {
  const m = await merchantWithOwner(t)
  const mem = await member(t, m.slug, { birthday: BIRTHDAY })
  const key = (await mem.client.get('/api/push/public-key')).body.publicKey as string
  const sub = await service.subscribe(over.serverKey ?? key)
  await addDevice(mem.client, sub)
  return { ...m, ...mem, sub, key }
}

describe('delivery through a real mock push service (web-push-testing)', () => {
  it('delivers the birthday push, which decrypts to the expected JSON', async () => {
    const { sub, cardId, slug } = await subscribedMember()
    expect(await runBirthdays(t.deps)).toEqual({ queued: 1 })
    const report = await new PushSender(t.deps).drain()
    expect(report).toMatchObject({ sent: 1, failed: 0 })

    const [raw, ...rest] = await service.messages(sub.clientHash)
    expect(rest).toEqual([])
    expect(JSON.parse(raw!)).toEqual({
      title: 'Happy birthday, Ada!',
      body: expect.stringContaining('has a treat for you today'),
      merchantName: expect.stringMatching(/^Shop \d+$/),
      icon: '/pwa-192x192.png',
      tag: `${slug}:birthday`,
      url: `/cards/${cardId}`,
      notificationId: expect.any(String),
      kind: 'birthday',
    })
    const attempt = await all(t.db, 'select status from push_attempts')
    expect(attempt).toEqual([{ status: 201 }])
    expect(await count(t, "select count(*) n from push_outbox where state = 'sent'")).toBe(1)
  })

  it('reports a push the service refuses for a wrong VAPID key (400) and does not retry it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {}) // web-push-testing logs the bad JWT
    const { sub } = await subscribedMember({ serverKey: webpush.generateVAPIDKeys().publicKey })
    await runBirthdays(t.deps)
    const report = await new PushSender(t.deps).drain()
    expect(report).toMatchObject({ sent: 0, failed: 1, retried: 0 })
    expect(await all(t.db, 'select status from push_attempts')).toEqual([{ status: 400 }])
    expect(await get(t.db, 'select state, last_status from push_outbox')).toEqual({
      state: 'failed',
      last_status: 400,
    })
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/push rejected: .* 400/))
    expect(await service.messages(sub.clientHash)).toEqual([])
    // The subscription itself is fine; only our request was wrong.
    expect(await count(t, 'select count(*) n from push_subscriptions')).toBe(1)
    warn.mockRestore()
    quiet.mockRestore()
  })

  it('prunes a subscription the service says has expired (410)', async () => {
    const { sub } = await subscribedMember()
    await service.expire(sub.clientHash)
    await runBirthdays(t.deps)
    const report = await new PushSender(t.deps).drain()
    expect(report).toMatchObject({ sent: 0, failed: 1, pruned: 1 })
    expect(await all(t.db, 'select status from push_attempts')).toEqual([{ status: 410 }])
    expect(await count(t, 'select count(*) n from push_subscriptions')).toBe(0)
  })

  it('sends nothing twice after a restart: rows caught mid-send are failed, not resent', async () => {
    const { sub } = await subscribedMember()
    await runBirthdays(t.deps)
    // The process died after claiming the row (queued -> sending) and before recording the answer.
    await writeTx(t.db, (tx) => all(tx, "update push_outbox set state = 'sending'"))
    const restarted = new PushSender(t.deps)
    expect(await restarted.recover()).toBe(1)
    expect(await restarted.drain()).toMatchObject({ sent: 0 })
    expect(await service.messages(sub.clientHash)).toEqual([])
    expect(await get(t.db, 'select state from push_outbox')).toEqual({ state: 'failed' })
    // And a birthday already queued is not queued again by the next run.
    expect(await runBirthdays(t.deps)).toEqual({ duplicate: 1 })
  })
})

describe('the sender against a scripted endpoint', () => {
  async function queued(url: string, devices = 1) {
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug)
    for (let i = 0; i < devices; i++) {
      const sub = await service.subscribe((await mem.client.get('/api/push/public-key')).body.publicKey)
      await addDevice(mem.client, { endpoint: `${url}/d${i}`, keys: sub.keys })
    }
    const res = await writeTx(t.db, (tx) =>
      queueNotification(tx, { cardId: mem.cardId, kind: 'expiring', title: 'Hi', body: 'There' }, t.clock.now()),
    )
    expect(res.status).toBe('queued')
  }

  it('sends TTL, urgency, topic and a VAPID Authorization on every push', async () => {
    const ep = await startScriptedEndpoint([{ status: 201 }])
    await queued(ep.url)
    await new PushSender(t.deps).drain()
    const h = ep.seen[0]!.headers
    expect(h.ttl).toBe(String(3 * 86_400))
    expect(h.urgency).toBe('normal')
    expect(h.topic).toMatch(/^expiring-[A-Za-z0-9_-]{12}$/)
    expect(h.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]{87}$/)
    expect(h['content-encoding']).toBe('aes128gcm')
    await ep.close()
  })

  it('waits for Retry-After on 429, then delivers', async () => {
    const ep = await startScriptedEndpoint([{ status: 429, headers: { 'retry-after': '120' } }, { status: 201 }])
    await queued(ep.url)
    const sender = new PushSender(t.deps)
    expect(await sender.drain()).toMatchObject({ retried: 1, sent: 0 })
    t.clock.advance(119_000)
    expect(await sender.drain()).toMatchObject({ retried: 0, sent: 0 })
    expect(ep.seen).toHaveLength(1)
    t.clock.advance(1_000)
    expect(await sender.drain()).toMatchObject({ sent: 1 })
    expect(await all(t.db, 'select status from push_attempts order by created_at')).toEqual([
      { status: 429 },
      { status: 201 },
    ])
    await ep.close()
  })

  it('retries 5xx with a growing, capped backoff and gives up after the last attempt', async () => {
    const ep = await startScriptedEndpoint([{ status: 503 }])
    await queued(ep.url)
    const sender = new PushSender(t.deps)
    const waits: number[] = []
    for (let i = 0; i < 10; i++) {
      const before = t.clock.now().getTime()
      const r = await sender.drain()
      if (r.failed) break
      const row = (await get(t.db, 'select not_before from push_outbox')) as { not_before: string }
      waits.push(Date.parse(row.not_before) - before)
      t.clock.set(row.not_before)
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000])
    expect(await get(t.db, 'select state, attempts from push_outbox')).toEqual({ state: 'failed', attempts: 6 })
    expect(await count(t, 'select count(*) n from push_attempts where status = 503')).toBe(6)
    await ep.close()
  })

  it('signs one VAPID JWT per push-service origin and reuses it for an hour', async () => {
    const ep = await startScriptedEndpoint([{ status: 201 }])
    await queued(ep.url, 3)
    const sender = new PushSender(t.deps)
    await sender.drain()
    expect(ep.seen).toHaveLength(3)
    expect(new Set(ep.seen.map((s) => s.headers.authorization)).size).toBe(1)
    expect(sender.jwtSigned).toBe(1)
    t.clock.advance(JWT_REUSE_MS)
    await queued(ep.url)
    await sender.drain()
    expect(sender.jwtSigned).toBe(2)
    await ep.close()
  })

  it('refuses a payload over 3000 bytes before anything is sent', async () => {
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug)
    await addDevice(mem.client)
    await expect(
      writeTx(t.db, (tx) =>
        queueNotification(
          tx,
          { cardId: mem.cardId, kind: 'expiring', title: 'Hi', body: 'x'.repeat(3000) },
          t.clock.now(),
        ),
      ),
    ).rejects.toMatchObject({ code: 'payload_too_large' })
    expect(await count(t, 'select count(*) n from push_outbox')).toBe(0)
  })
})
