import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runOncePerPeriod } from '../../server/services/common/jobs-once.js'
import { assertNotThrottled, recordFailure } from '../../server/services/console/login-throttle.js'
import { FREE_FAILURES } from '../../server/domain/login-throttle.js'
import { dashboard } from '../../server/services/insights/dashboard.js'
import { sendDueOffers } from '../../server/services/push/automations.js'
import { PushSender } from '../../server/services/push/sender.js'
import { all, countOf, get } from '../helpers/db.js'
import { idemKey, merchantWithOwner, posTill } from '../helpers/factories.js'
import { addDevice, member } from '../helpers/push.js'
import { startPushService } from '../helpers/push-service.js'
import { makeTestApp, TestClient, type TestApp } from '../helpers/test-app.js'

/*
 * Two server processes on one database, each with its own connection, caches and app (t.sibling()),
 * as behind a proxy: the guarantees must hold across them on both backends (on SQLite, two
 * connections to one file; on PostgreSQL, two pools). tests/cluster runs real processes.
 */
let t: TestApp
let other: Awaited<ReturnType<TestApp['sibling']>>
beforeEach(async () => {
  t = await makeTestApp()
  other = await t.sibling()
})
afterEach(async () => {
  await other.close()
  await t.close()
})

const pos = (app: ConstructorParameters<typeof TestClient>[0], bearer: string) => {
  const c = new TestClient(app)
  return (body: unknown, key: string) =>
    c.post('/api/pos/v1/earn', body, { authorization: `Bearer ${bearer}`, 'idempotency-key': key })
}

describe('two processes on one database', () => {
  it('write one entry for 20 concurrent identical POS earns spread over both, and answer them all alike', async () => {
    const till = await posTill(t)
    const here = pos(t.app, till.apiKey.key)
    const there = pos(other.app, till.apiKey.key)
    const key = idemKey()
    const body = { cardNumber: till.card.cardNumber, amountMinor: 1234 }
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? here : there)(body, key)))
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201))
    for (const a of answers) expect(a.body).toEqual(answers[0]!.body)
    expect(await countOf(t.db, 'select count(*) as n from ledger_entries')).toBe(1)
  })

  it('keep every balance_after the running sum when both earn on one card at once', async () => {
    const till = await posTill(t)
    const here = pos(t.app, till.apiKey.key)
    const there = pos(other.app, till.apiKey.key)
    const body = { cardNumber: till.card.cardNumber, amountMinor: 100 } // 10 points each
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? here : there)(body, idemKey())))
    expect(answers.every((a) => a.status === 201)).toBe(true)
    const after = (await all<{ balance_after: number }>(t.db, 'select balance_after from ledger_entries'))
      .map((r) => r.balance_after)
      .sort((a, b) => a - b)
    expect(after).toEqual(Array.from({ length: 30 }, (_, i) => 10 * (i + 1)))
    expect(await get(t.db, 'select balance from cards where id = ?', till.card.id)).toEqual({ balance: 300 })
  })

  it('count rate limits over both', async () => {
    const limited = await makeTestApp({ RATE_LIMIT_JOIN_PER_MIN: '4' })
    const next = await limited.sibling()
    try {
      const { slug } = await merchantWithOwner(limited)
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) {
        const c = i % 2 ? limited.client() : next.client()
        statuses.push((await c.post('/api/join', { slug, name: `P${i}` })).status)
      }
      expect(statuses).toEqual([201, 201, 201, 201, 429, 429])
    } finally {
      await next.close()
      await limited.close()
    }
  })

  it('count every wrong staff password sent to both at once (login throttling)', async () => {
    const attempt = { email: 'casey@shop.test', address: '203.0.113.9' }
    // Twice the pair's free failures, half through each process, all at once.
    const n = 2 * FREE_FAILURES.pair
    await Promise.all(Array.from({ length: n }, (_, i) => recordFailure(i % 2 ? other.deps : t.deps, attempt)))
    const rows = await all<{ key: string; failures: number }>(t.db, 'select key, failures from login_throttles')
    expect(rows.map((r) => Number(r.failures))).toEqual([n, n, n])
    await expect(assertNotThrottled(other.deps, attempt)).rejects.toMatchObject({ code: 'login_throttled' })
  })

  it('run a scheduled job once per period whichever process ticks', async () => {
    let runs = 0
    const job = async () => {
      runs++
      await new Promise((r) => setTimeout(r, 200))
    }
    const period = '2026-03-10T12:00:00.000Z'
    if (t.backend === 'postgres') {
      // Ticks at the same moment: one takes the job's lock, the other skips.
      const outcomes = await Promise.all([
        runOncePerPeriod(t.deps, 'test job', period, job),
        runOncePerPeriod(other.deps, 'test job', period, job),
      ])
      expect(outcomes.sort()).toEqual(['ran', 'running_elsewhere'])
    } else {
      // One process serves a SQLite file; a later tick (or a restart) finds the period done.
      expect(await runOncePerPeriod(t.deps, 'test job', period, job)).toBe('ran')
    }
    expect(await runOncePerPeriod(other.deps, 'test job', period, job)).toBe('done_already')
    expect(await runOncePerPeriod(t.deps, 'test job', '2026-03-10T13:00:00.000Z', job)).toBe('ran')
    expect(runs).toBe(2)
    expect(await all(t.db, 'select period, state, starts from job_runs order by period')).toEqual([
      { period, state: 'done', starts: 1 },
      { period: '2026-03-10T13:00:00.000Z', state: 'done', starts: 1 },
    ])
  })

  it('build the insight summaries once when both read the dashboard at once', async () => {
    const till = await posTill(t)
    for (let i = 0; i < 5; i++) await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 500 })
    t.clock.advance(3600_000) // past the live lag: the earns go into the summaries
    const [a, b] = await Promise.all([dashboard(t.deps, till.merchantId), dashboard(other.deps, till.merchantId)])
    expect(b).toEqual(a)
    // Points per day and kind: each earn counted once.
    expect(await all(t.db, 'select kind, points from insight_points_days order by kind')).toEqual([
      { kind: 'earn', points: 250 },
    ])
  })
})

describe('two push senders sharing the outbox', () => {
  let service: Awaited<ReturnType<typeof startPushService>>
  beforeAll(async () => {
    service = await startPushService()
  })
  afterAll(() => service.close())

  it('deliver each message exactly once', async () => {
    const m = await merchantWithOwner(t)
    const key = (await t.client().get('/api/push/public-key')).body.publicKey as string
    const subs = []
    for (let i = 0; i < 60; i++) {
      const mem = await member(t, m.slug, { name: `Member ${i}` })
      const sub = await service.subscribe(key)
      await addDevice(mem.client, sub)
      subs.push(sub)
    }
    expect((await m.owner.post('/api/merchant/push/offers', { title: 'Hi {name}', body: 'Two for one' })).status).toBe(
      201,
    )
    expect(await sendDueOffers(t.deps)).toEqual({ queued: 60 })
    // Small rounds, so the two senders claim side by side many times.
    const a = new PushSender(t.deps, { batch: 7, concurrency: 4 })
    const b = new PushSender(other.deps, { batch: 7, concurrency: 4 })
    const [ra, rb] = await Promise.all([a.drain(), b.drain()])
    expect(ra.sent + rb.sent).toBe(60)
    if (t.backend === 'postgres') expect(Math.min(ra.sent, rb.sent)).toBeGreaterThan(0)
    for (const s of subs) expect(await service.messages(s.clientHash)).toHaveLength(1)
    expect(await countOf(t.db, "select count(*) as n from push_outbox where state = 'sent'")).toBe(60)
    expect(await countOf(t.db, 'select count(*) as n from push_attempts')).toBe(60)
  })
})
