import { afterEach, beforeEach, expect, it } from 'vitest'
import { WEBHOOK_EVENT_TYPES } from '../../server/contract/webhooks.js'
import { expirePoints } from '../../server/services/program/jobs.js'
import { emitExpiringEvents } from '../../server/services/webhooks/expiring.js'
import { all } from '../helpers/db.js'
import { idemKey, joinedCustomer, merchantWithOwner, scan } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'
import { addEndpoint, LOCALHOST_OK } from '../helpers/webhooks.js'
import { cafe, cardFeedback, rate } from '../helpers/feedback.js'

/* Each kind of change writes its event, with the card and the amounts, from the service that makes it. */
let t: TestApp
beforeEach(async () => {
  t = await makeTestApp(LOCALHOST_OK)
})
afterEach(() => t.close())

const events = async () =>
  (await all<{ type: string; payload: string }>(t.db, 'select type, payload from webhook_events order by id')).map(
    (e) => ({ type: e.type, data: JSON.parse(e.payload).data as Record<string, unknown> }),
  )
const ok = async (res: Promise<{ status: number; body: unknown }>) => {
  const r = await res
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300)
  return r.body as Record<string, any>
}

it('writes member, points, tier, reward, coupon and stamp card events with the card and the balance after', async () => {
  const m = await merchantWithOwner(t)
  await addEndpoint(m.owner, 'http://127.0.0.1:9/hooks', [...WEBHOOK_EVENT_TYPES])
  await ok(
    m.owner.req('PUT', '/api/merchant/program', {
      rules: {
        pointsPerUnit: 1,
        unitMinor: 100,
        tiers: [{ name: 'Silver', threshold: 20, multiplier: 1 }],
        expiry: { mode: 'afterEarn', months: 1, roundTo: 'month' },
      },
    }),
  )
  await ok(
    m.owner.req('PUT', '/api/merchant/stamp-card', {
      stampsRequired: 2,
      rewardTitle: 'Free coffee',
      rewardTerms: 'Any size',
      rewardValidDays: 14,
      dailyLimit: 5,
      cooldownMinutes: 0,
      active: true,
    }),
  )
  const reward = await ok(
    m.owner.post('/api/merchant/rewards', { name: 'Mug', terms: '', image: '☕', pointsCost: 10, validDays: 30 }),
  )
  const { card, client } = await joinedCustomer(t, m.slug)
  const staffDo = async (staff: TestClient, path: string, body: Record<string, unknown>) =>
    ok(staff.post(path, { handle: await scan(t, staff, card), ...body }, { 'idempotency-key': idemKey() }))

  await staffDo(m.owner, '/api/staff/earn', { amountMinor: 3000 }) // 30 points: Silver
  await staffDo(m.owner, '/api/staff/adjust', { points: -2, reason: 'Ada asked for it' })
  const redeemed = await ok(
    client.post(`/api/me/cards/${card.id}/rewards/${reward.id}/redeem`, undefined, { 'idempotency-key': idemKey() }),
  )
  await ok(m.owner.post('/api/staff/coupons/redeem', { code: redeemed.coupon.code }, { 'idempotency-key': idemKey() }))
  await staffDo(m.owner, '/api/staff/stamps', {})
  t.clock.advance(60_000)
  await staffDo(m.owner, '/api/staff/stamps', {})

  // Points earned 10 March expire at the end of April: 14 days ahead the job tells, then they expire.
  t.clock.set('2026-04-20T00:00:00Z')
  expect(await emitExpiringEvents(t.deps)).toBe(1)
  expect(await emitExpiringEvents(t.deps)).toBe(0) // once per card and date
  t.clock.set('2026-05-01T00:00:00Z')
  await expirePoints(t.deps)

  const got = await events()
  const of = (type: string) => got.filter((e) => e.type === type).map((e) => e.data)
  expect(of('member.joined')).toEqual([expect.objectContaining({ cardId: card.id, cardNumber: card.cardNumber })])
  expect(of('points.earned')).toEqual([expect.objectContaining({ kind: 'earn', points: 30, balanceAfter: 30 })])
  expect(of('tier.changed')).toEqual([expect.objectContaining({ toTier: 'Silver', direction: 'up' })])
  expect(of('points.adjusted')).toEqual([expect.objectContaining({ kind: 'adjust', points: -2, balanceAfter: 28 })])
  expect(of('points.spent')).toEqual([expect.objectContaining({ kind: 'redeem', points: -10, balanceAfter: 18 })])
  expect(of('reward.redeemed')).toEqual([
    expect.objectContaining({ rewardId: reward.id, points: -10, balanceAfter: 18, couponId: redeemed.coupon.id }),
  ])
  expect(of('coupon.issued').map((c) => c.source)).toEqual(['reward', 'stamps'])
  expect(of('coupon.redeemed')).toEqual([expect.objectContaining({ couponId: redeemed.coupon.id })])
  expect(of('stampcard.completed')).toEqual([expect.objectContaining({ stamps: 2, cardId: card.id })])
  expect(of('points.expiring')).toEqual([
    expect.objectContaining({ points: 18, expiresAt: '2026-04-30T22:00:00.000Z', balance: 18 }),
  ])
  expect(of('points.expired')).toEqual([expect.objectContaining({ kind: 'expire', points: -18, balanceAfter: 0 })])
  expect(JSON.stringify(got)).not.toContain('Ada asked') // staff's free text stays out
})

it('writes feedback.received with the score and without the comment', async () => {
  const c = await cafe(t)
  await addEndpoint(c.owner, 'http://127.0.0.1:9/hooks', ['feedback.received'])
  const ada = await c.join('Ada')
  await c.award(ada)
  const q = (await cardFeedback(ada.client, ada.cardId)).question!
  const rated = await rate(ada.client, ada.cardId, { requestId: q.id, rating: 4, comment: 'Ada loved the cake' })
  expect(rated.status).toBe(201)
  const got = await events()
  expect(got).toEqual([
    {
      type: 'feedback.received',
      data: expect.objectContaining({
        cardId: ada.cardId,
        kind: 'visit',
        rating: 4,
        responseId: rated.body.responseId,
      }),
    },
  ])
  expect(JSON.stringify(got)).not.toContain('cake')
})
