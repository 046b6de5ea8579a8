import { afterEach, describe, expect, it } from 'vitest'
import { writeTx } from '../../server/db/connection.js'
import { purgeExpiredData } from '../../server/services/common/retention.js'
import { runBirthdays } from '../../server/services/push/automations.js'
import { PushSender } from '../../server/services/push/sender.js'
import { WebhookSender } from '../../server/services/webhooks/sender.js'
import { addEndpoint, LOCALHOST_OK, startReceiver } from '../helpers/webhooks.js'
import { addDevice, member } from '../helpers/push.js'
import { startScriptedEndpoint } from '../helpers/push-service.js'
import { issueCoupon } from '../../server/services/perks/coupons.js'
import { addStaff, idemKey, joinedCustomer, merchantWithOwner, posTill } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { all, countOf, rowsIn } from '../helpers/db.js'

/** Keep nothing longer than needed: stored answers name nobody, and expired rows are purged. */
let t: TestApp
afterEach(() => t.close())

const HOUR = 3600_000

describe('stored answers to retried writes', () => {
  it('replaying a coupon redemption after the member deleted the account returns no name', async () => {
    t = await makeTestApp()
    const m = await merchantWithOwner(t)
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const { client, card } = await joinedCustomer(t, m.slug, 'Zofia Quartzmeyer')
    const coupon = await writeTx(t.db, (tx) =>
      issueCoupon(tx, {
        cardId: card.id,
        merchantId: m.merchantId,
        source: 'campaign',
        title: 'Free tea',
        now: t.clock.now(),
      }),
    )
    const key = idemKey()
    const redeem = () => cashier.post('/api/staff/coupons/redeem', { code: coupon.code }, { 'idempotency-key': key })
    const first = await redeem()
    expect(first.status).toBe(200)
    expect(first.body.memberName).toBe('Zofia Quartzmeyer')
    // The answer is stored without the name, linked to the card; a replay reads the name again.
    const [stored] = await all(t.db, 'select body, card_id from idempotency_records where key = ?', key)
    expect(stored.body).not.toContain('Zofia')
    expect(stored.card_id).toBe(card.id)
    expect((await redeem()).body).toEqual(first.body)
    // The member's export holds the stored answer about their card.
    const exported = (await client.get('/api/me/export')).body.tables.idempotency_records
    expect(exported).toEqual([expect.objectContaining({ key, card_id: card.id })])
    expect(exported[0].request_hash).toBeUndefined()

    expect((await client.post('/api/me/delete', { confirm: true })).status).toBe(200)
    const replay = await redeem()
    expect(replay.status).toBe(200)
    expect(replay.body.memberName).toBe('')
    expect(replay.body.redemption).toEqual(first.body.redemption)
    expect(JSON.stringify(replay.body)).not.toContain('Zofia')
    expect(await countOf(t.db, 'select count(*) as n from idempotency_records where card_id is not null')).toBe(0)
  })

  it('keeps answers for the retention period and purges them after it', async () => {
    t = await makeTestApp({ IDEMPOTENCY_RETENTION_HOURS: '2' })
    const till = await posTill(t)
    const key = idemKey()
    const body = { cardNumber: till.card.cardNumber, amountMinor: 1000 }
    const first = await till.earn(body, key)
    expect(first.status).toBe(201)
    t.clock.advance(2 * HOUR - 1000)
    await purgeExpiredData(t.deps)
    expect(await rowsIn(t.db, 'idempotency_records')).toBe(1)
    expect((await till.earn(body, key)).body).toEqual(first.body)
    t.clock.advance(2000)
    await purgeExpiredData(t.deps)
    expect(await rowsIn(t.db, 'idempotency_records')).toBe(0)
  })
})

describe('the purge of expired rows', () => {
  it('removes expired sessions, used invitations and refused offline scans once past their time', async () => {
    t = await makeTestApp()
    const m = await merchantWithOwner(t)
    await joinedCustomer(t, m.slug)
    const invited = await m.owner.post('/api/merchant/staff', { email: 'new@staff.test', name: 'New', role: 'cashier' })
    expect(invited.status).toBe(201)
    const token = new URL(invited.body.inviteUrl).searchParams.get('token')
    expect(
      (await t.client().post('/api/staff/invite/accept', { token, password: 'a long enough password' })).status,
    ).toBe(200)
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const queued = await cashier.post(
      '/api/staff/queued-scans',
      {
        code: 'LW1:NOCARD00:123456',
        action: { kind: 'earn', amountMinor: 500 },
        capturedAt: t.clock.now().toISOString(),
      },
      { 'idempotency-key': idemKey() },
    )
    expect(queued.status).toBeGreaterThanOrEqual(400)
    const sessions = await rowsIn(t.db, 'sessions')
    expect(await countOf(t.db, 'select count(*) as n from offline_scans where outcome = ?', 'refused')).toBe(1)

    // Staff sessions last 12 hours; the member's 400 days. A used invitation is kept 30 days.
    t.clock.advance(13 * HOUR)
    await purgeExpiredData(t.deps)
    expect(await rowsIn(t.db, 'sessions')).toBe(1)
    expect(sessions).toBeGreaterThan(1)
    expect(await rowsIn(t.db, 'staff_invites')).toBe(1)
    t.clock.advance(31 * 24 * HOUR)
    await purgeExpiredData(t.deps)
    expect(await rowsIn(t.db, 'staff_invites')).toBe(0)
    expect(await rowsIn(t.db, 'offline_scans')).toBe(1)
    t.clock.advance(60 * 24 * HOUR)
    await purgeExpiredData(t.deps)
    expect(await rowsIn(t.db, 'offline_scans')).toBe(0)
  })
})

describe('the purge of push deliveries', () => {
  it('drops deliveries and attempts after 30 days and erases the text, keeping the notification row', async () => {
    t = await makeTestApp()
    const endpoint = await startScriptedEndpoint([{ status: 201 }])
    try {
      const m = await merchantWithOwner(t)
      // The factories' clock stands on 2026-03-10: a birthday today gets its push.
      const mem = await member(t, m.slug, { name: 'Zofia Quartzmeyer', birthday: '1990-03-10' })
      await addDevice(mem.client, {
        endpoint: `${endpoint.url}/device`,
        keys: {
          p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
          auth: 'tBHItJI5svbpez7KI4CCXg',
        },
      })
      expect(await runBirthdays(t.deps)).toEqual({ queued: 1 })
      expect(await new PushSender(t.deps).drain()).toMatchObject({ sent: 1 })
      const text = 'select payload from push_notifications'
      expect((await all(t.db, text))[0].payload).toContain('Zofia')

      t.clock.advance(29 * 24 * HOUR)
      await purgeExpiredData(t.deps)
      expect([await rowsIn(t.db, 'push_outbox'), await rowsIn(t.db, 'push_attempts')]).toEqual([1, 1])
      t.clock.advance(2 * 24 * HOUR)
      await purgeExpiredData(t.deps)
      expect([await rowsIn(t.db, 'push_outbox'), await rowsIn(t.db, 'push_attempts')]).toEqual([0, 0])
      expect(await all(t.db, text)).toEqual([{ payload: '{}' }])
    } finally {
      await endpoint.close()
    }
  })
})

describe('the purge of webhook deliveries', () => {
  it('drops delivered deliveries, their attempts and events after 30 days, and keeps one still being retried', async () => {
    t = await makeTestApp(LOCALHOST_OK)
    const ok = await startReceiver()
    const down = await startReceiver({ reply: () => ({ status: 503 }) })
    try {
      const till = await posTill(t)
      await addEndpoint(till.owner, ok.url, ['points.earned'])
      const failing = await addEndpoint(till.owner, down.url, ['points.earned'])
      expect((await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 1250 })).status).toBe(201)
      await new WebhookSender(t.deps).drain()
      await ok.waitFor(1)
      const states = 'select endpoint_id, state from webhook_deliveries order by endpoint_id'
      expect((await all(t.db, states)).map((r) => r.state).sort()).toEqual(['delivered', 'queued'])

      t.clock.advance(29 * 24 * HOUR)
      await purgeExpiredData(t.deps)
      expect([await rowsIn(t.db, 'webhook_events'), await rowsIn(t.db, 'webhook_deliveries')]).toEqual([1, 2])
      t.clock.advance(2 * 24 * HOUR)
      await purgeExpiredData(t.deps)
      // The delivered one and its attempt are gone; the one still retrying keeps itself and its event.
      expect(await all(t.db, states)).toEqual([{ endpoint_id: failing.id, state: 'queued' }])
      expect(await rowsIn(t.db, 'webhook_events')).toBe(1)
      expect(
        await countOf(
          t.db,
          'select count(*) as n from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id where d.state = ?',
          'delivered',
        ),
      ).toBe(0)
    } finally {
      await ok.close()
      await down.close()
    }
  })
})
