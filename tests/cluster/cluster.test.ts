import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createApp } from '../../server/app.js'
import { loadConfig } from '../../server/config.js'
import { openPgDb, type OpenedDb } from '../../server/db/connection.js'
import { systemClock } from '../../server/domain/clock.js'
import type { Deps } from '../../server/services/common/deps.js'
import { createMerchant } from '../../server/services/console/setup.js'
import { all, countOf, get } from '../helpers/db.js'
import { idemKey } from '../helpers/factories.js'
import { freshPgDatabase } from '../helpers/pg.js'
import { startPushService, type TestSubscription } from '../helpers/push-service.js'
import { TestClient } from '../helpers/test-app.js'
import { httpClient, startProxy, startServerProcess, stopServerProcess, type ServerProcess } from './harness.js'

/*
 * Three real server processes on one PostgreSQL database behind a round-robin proxy. The test
 * process seeds through its own in-process app on the same database, then talks HTTP to the proxy
 * and reads the database to check what the processes did.
 */
const PASSWORD = 'correct horse battery'
const JOB_SECONDS = 2

let fresh: Awaited<ReturnType<typeof freshPgDatabase>>
let dataDir: string
let opened: OpenedDb
let seed: TestClient
let procs: ServerProcess[] = []
let proxy: Awaited<ReturnType<typeof startProxy>>
let pushService: Awaited<ReturnType<typeof startPushService>>
const world = {} as {
  posKey: string
  owner: TestClient
  cards: Array<{ id: string; cardNumber: string }>
  member: TestClient
  memberCard: { id: string; cardNumber: string }
  subs: TestSubscription[]
}

/** A zone where it is midday now, so no push waits for the merchant's quiet hours. */
function middayZone(): string {
  let offset = 12 - new Date().getUTCHours()
  if (offset > 12) offset -= 24
  return offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`
}

async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < n; i += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, k) => fn(i + k)))))
  }
  return out
}

beforeAll(async () => {
  fresh = await freshPgDatabase(inject('pgTemplate'))
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-cluster-'))
  // The proxy keeps sending to a killed process (it answers 502 for it), as a proxy without health checks would.
  proxy = await startProxy(() => procs.map((p) => p.port))
  const env = {
    DATABASE_URL: fresh.url,
    DATA_DIR: dataDir,
    PUBLIC_URL: proxy.base.replace('127.0.0.1', 'localhost'),
    RATE_LIMIT_JOIN_PER_MIN: '100000',
    RATE_LIMIT_LOGIN_PER_MIN: '100000',
    RATE_LIMIT_SCAN_PER_MIN: '100000',
    JOBS_EVERY_SECONDS: String(JOB_SECONDS),
    PUSH_ENCRYPT_THREADS: '0',
    DATABASE_POOL_SIZE: '8',
  }
  // Seeding: an app in this process on the same database (and data dir: the same VAPID keys).
  const config = loadConfig({ NODE_ENV: 'test', ...env })
  opened = await openPgDb(fresh.url, { poolSize: 8 })
  const deps: Deps = { db: opened.db, clock: systemClock, config, setupToken: null }
  const app = createApp(deps)
  seed = new TestClient(app)
  const email = 'owner@cluster.test'
  await createMerchant(
    opened.db,
    {
      slug: 'cluster',
      name: 'Cluster Café',
      currency: 'EUR',
      timezone: middayZone(),
      brandColor: '#123456',
      pointsPerUnit: 10,
      unitMinor: 100,
      owner: { name: 'Owner', email, password: PASSWORD },
    },
    new Date(),
  )
  const owner = new TestClient(app)
  expect((await owner.post('/api/staff/login', { email, password: PASSWORD })).status).toBe(200)
  const key = await owner.post('/api/merchant/api-keys', { name: 'Till' })
  world.posKey = key.body.key
  world.cards = await inBatches(10, 5, async (i) => {
    const r = await new TestClient(app).post('/api/join', { slug: 'cluster', name: `Load ${i}` })
    return r.body.card
  })
  world.member = new TestClient(app)
  world.memberCard = (await world.member.post('/api/join', { slug: 'cluster', name: 'Maria' })).body.card
  // A thousand members whose devices subscribed at the mock push service.
  pushService = await startPushService()
  const publicKey = (await seed.get('/api/push/public-key')).body.publicKey as string
  world.subs = await inBatches(1000, 20, async (i) => {
    const c = new TestClient(app)
    expect((await c.post('/api/join', { slug: 'cluster', name: `Fan ${i}`, marketingConsent: true })).status).toBe(201)
    const sub = await pushService.subscribe(publicKey)
    expect((await c.post('/api/me/push/subscriptions', { endpoint: sub.endpoint, keys: sub.keys })).status).toBe(201)
    return sub
  })
  procs = await Promise.all([1, 2, 3].map(() => startServerProcess(env)))
  world.owner = httpClient(proxy.base)
  expect((await world.owner.post('/api/staff/login', { email, password: PASSWORD })).status).toBe(200)
}, 240_000)

afterAll(async () => {
  await Promise.all(procs.map(stopServerProcess))
  await proxy?.close()
  await pushService?.close()
  await opened?.close()
  await fresh?.drop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const posEarn = (body: unknown, key: string) =>
  fetch(`${proxy.base}/api/pos/v1/earn`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.posKey}`, 'idempotency-key': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('three server processes on one PostgreSQL behind a round-robin proxy', () => {
  it('write one entry for 20 parallel identical POS earns spread over them, with identical answers', async () => {
    const key = idemKey()
    const body = { cardNumber: world.memberCard.cardNumber, amountMinor: 2500 }
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const r = await posEarn(body, key)
        return { status: r.status, body: await r.text() }
      }),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201))
    expect(new Set(answers.map((a) => a.body)).size).toBe(1)
    expect(
      await countOf(opened.db, 'select count(*) as n from ledger_entries where card_id = ?', world.memberCard.id),
    ).toBe(1)
  })

  it('let one of 50 parallel redemptions of one coupon win', async () => {
    const reward = await world.owner.post('/api/merchant/rewards', {
      name: 'Free coffee',
      terms: 'Any size',
      image: '☕',
      pointsCost: 150,
      validDays: 30,
    })
    expect(reward.status).toBe(201)
    const redeemed = await world.member.post(
      `/api/me/cards/${world.memberCard.id}/rewards/${reward.body.id}/redeem`,
      undefined,
      { 'idempotency-key': idemKey() },
    )
    expect(redeemed.status).toBe(201)
    const code = redeemed.body.coupon.qrPayload as string
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        world.owner.post('/api/staff/coupons/redeem', { code }, { 'idempotency-key': idemKey() }),
      ),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    const refused = results.filter((r) => r.status !== 200)
    expect(refused.map((r) => r.body.error.code)).toEqual(Array(49).fill('coupon_already_used'))
    expect(await get(opened.db, 'select uses, state from coupons where id = ?', redeemed.body.coupon.id)).toEqual({
      uses: 1,
      state: 'used',
    })
  })

  it('deliver an offer to 1,000 subscribed members, each exactly once', async () => {
    const offer = await world.owner.post('/api/merchant/push/offers', { title: 'Hi {name}', body: 'Two for one today' })
    expect(offer.status).toBe(201)
    // One process's automations job queues it (beside the members' welcome pushes); the senders
    // of all three processes share the outbox.
    const deadline = Date.now() + 90_000
    for (;;) {
      const offers = await countOf(
        opened.db,
        "select count(*) as n from push_outbox o join push_notifications n on n.id = o.notification_id where n.kind = 'offer'",
      )
      const left = await countOf(opened.db, "select count(*) as n from push_outbox where state <> 'sent'")
      if (offers === 1000 && left === 0) break
      if (Date.now() > deadline) throw new Error(`offer not delivered: ${offers} queued, ${left} not sent`)
      await new Promise((r) => setTimeout(r, 500))
    }
    // Each device got exactly what was queued for it: no message twice, none lost.
    const queued = new Map(
      (
        await all<{ endpoint: string; n: number }>(
          opened.db,
          `select s.endpoint, count(*) as n from push_outbox o join push_subscriptions s on s.id = o.subscription_id
            group by s.endpoint`,
        )
      ).map((r) => [r.endpoint, r.n]),
    )
    const received = await inBatches(world.subs.length, 50, async (i) => {
      const sub = world.subs[i]!
      const messages = (await pushService.messages(sub.clientHash)).map((m) => JSON.parse(m) as { kind: string })
      return {
        offers: messages.filter((m) => m.kind === 'offer').length,
        all: messages.length,
        queued: queued.get(sub.endpoint),
      }
    })
    expect(received.filter((r) => r.offers !== 1 || r.all !== r.queued)).toEqual([])
    // Every row was sent; an attempt more than rows is a retry after an answer that never came
    // (the mock service is in this busy test process), which the device did not receive twice (above).
    expect(await countOf(opened.db, 'select count(*) as n from push_attempts where status = 201')).toBe(
      [...queued.values()].reduce((a, b) => a + b, 0),
    )
    // Processes claimed rows side by side: more than one of them sent.
    const senders = await all(opened.db, 'select count(distinct claimed_at) as n from push_outbox')
    expect(senders[0].n).toBeGreaterThan(1)
  })

  it('run each scheduled job once per period across the three', async () => {
    const JOBS = ['expire points', 'reevaluate tiers', 'birthday bonuses', 'staff alerts', 'push automations']
    const read = () =>
      all<{ job: string; period: string; state: string; starts: number; runner: string }>(
        opened.db,
        'select job, period, state, starts, runner from job_runs order by job, period',
      )
    // A long run (the 1,000-member offer above) holds its job's lock across the 2-second periods it
    // spans: on a busy machine the next period of that job may not have come yet. Wait for it.
    let rows = await read()
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; rows = await read()) {
      if (JOBS.every((job) => rows.filter((r) => r.job === job).length > 1)) break
      await new Promise((r) => setTimeout(r, 500))
    }
    expect(rows.filter((r) => r.starts !== 1)).toEqual([])
    const byJob = new Map<string, typeof rows>()
    for (const r of rows) byJob.set(r.job, [...(byJob.get(r.job) ?? []), r])
    // Every job of the schedule ran in several periods, each period in exactly one process (a job
    // still running when the next period starts holds its lock, and that period is skipped).
    for (const job of JOBS) {
      const periods = byJob.get(job) ?? []
      expect(periods.length, job).toBeGreaterThan(1)
      expect(new Set(periods.map((r) => r.period)).size, job).toBe(periods.length)
    }
    // The work is spread: more than one process took periods.
    expect(new Set(rows.map((r) => r.runner)).size).toBeGreaterThan(1)
  })

  it('lose no acknowledged earn when one process is killed with SIGKILL under load', async () => {
    const acknowledged: Array<{ entryId: string; cardId: string }> = []
    const statuses = new Map<number, number>()
    const stopAt = Date.now() + 5_000
    const loop = async (w: number) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const card = world.cards[(w + i) % world.cards.length]!
        try {
          const r = await posEarn({ cardNumber: card.cardNumber, amountMinor: 100 + i }, idemKey())
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
          if (r.status === 201) acknowledged.push({ entryId: ((await r.json()) as any).entry.id, cardId: card.id })
          else await r.text()
        } catch {
          statuses.set(0, (statuses.get(0) ?? 0) + 1)
        }
      }
    }
    const killer = new Promise<void>((resolve) =>
      setTimeout(() => {
        procs[1]!.child.kill('SIGKILL')
        resolve()
      }, 1_500),
    )
    await Promise.all([...Array.from({ length: 12 }, (_, w) => loop(w)), killer])
    expect(acknowledged.length).toBeGreaterThan(50)
    expect(statuses.get(201)).toBe(acknowledged.length)
    // Every 201 has its ledger row, and every balance equals its ledger.
    const ids = new Set(
      (await all<{ id: string }>(opened.db, 'select id from ledger_entries where api_key_id is not null')).map(
        (r) => r.id,
      ),
    )
    expect(acknowledged.filter((a) => !ids.has(a.entryId))).toEqual([])
    const unbalanced = await all(
      opened.db,
      `select c.id from cards c left join ledger_entries e on e.card_id = c.id
        group by c.id, c.balance having c.balance <> coalesce(sum(e.points), 0)`,
    )
    expect(unbalanced).toEqual([])
    expect(statuses.get(502)).toBeGreaterThan(0) // the killed process was in the rotation
    // The two survivors go on answering (a third of the requests still reach the dead one).
    const after = await Promise.all(
      [1, 2, 3].map(() => posEarn({ cardNumber: world.cards[0]!.cardNumber, amountMinor: 100 }, idemKey())),
    )
    expect(after.map((r) => r.status).sort()).toEqual([201, 201, 502])
  })
})
