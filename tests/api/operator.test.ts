import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runWelcome, sendDueOffers } from '../../server/services/push/automations.js'
import {
  addStaffMember,
  currentCode,
  idemKey,
  merchantWithOwner,
  PASSWORD,
  posTill,
  scan,
} from '../helpers/factories.js'
import { addDevice } from '../helpers/push.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp({ OPERATOR_EMAILS: 'op@platform.test, Second@Platform.TEST' })
})
afterEach(() => t.close())

const operator = async () => (await merchantWithOwner(t, { email: 'op@platform.test' })).owner

/** Members whose personal data must never reach an operator. */
const PEOPLE = [
  { name: 'Zofia Quillfeather', email: 'zofia.quillfeather@example.test', birthday: '1987-06-15' },
  { name: 'Xavier Brightwater', email: 'xavier.brightwater@example.test', birthday: '1990-11-02' },
]

async function busyShop() {
  const shop = await posTill(t)
  const members = []
  for (const p of PEOPLE) {
    const client = t.client()
    const res = await client.post('/api/join', { slug: shop.slug, ...p, marketingConsent: true })
    expect(res.status).toBe(201)
    members.push({ client, card: res.body.card })
  }
  for (const m of members)
    expect((await shop.earn({ cardNumber: m.card.cardNumber, amountMinor: 1500 })).status).toBe(201)
  return { ...shop, members }
}

describe('the operator console', () => {
  it('lists businesses with members, activity, pushes and status, and never a member’s personal data', async () => {
    const op = await operator()
    const shop = await busyShop()
    const list = await op.get('/api/operator/businesses')
    expect(list.status).toBe(200)
    const row = list.body.businesses.find((b: { slug: string }) => b.slug === shop.slug)
    // posTill's own member and the two above.
    expect(row).toMatchObject({ status: 'live', members: 3, active30: 2, purchases30: 2, staff: 1 })

    const responses = [
      list,
      await op.get('/api/operator/invites'),
      await op.post('/api/operator/invites', { note: 'for a bakery' }),
      await op.post(`/api/operator/businesses/${shop.merchantId}/suspend`, { reason: 'Unpaid invoice' }),
      await op.post(`/api/operator/businesses/${shop.merchantId}/resume`),
      await op.get(`/api/operator/businesses/${shop.merchantId}/export`),
      await op.post(`/api/operator/businesses/${shop.merchantId}/close`),
    ]
    for (const r of responses) expect(r.status).toBeLessThan(300)
    const everything = JSON.stringify(responses.map((r) => r.body)).toLowerCase()
    for (const p of PEOPLE) {
      for (const value of [p.name, p.name.split(' ')[1]!, p.email, p.birthday]) {
        expect(everything).not.toContain(value.toLowerCase())
      }
    }
    // The export still carries the books: every card by number and every entry.
    const exported = responses[5]!.body
    expect(exported.cards).toHaveLength(3)
    expect(exported.ledger.length).toBeGreaterThanOrEqual(2)
  })

  it('is for operators only', async () => {
    const shop = await merchantWithOwner(t)
    expect((await shop.owner.get('/api/operator/businesses')).status).toBe(403)
    expect(
      (await shop.owner.post(`/api/operator/businesses/${shop.merchantId}/suspend`, { reason: 'mine' })).status,
    ).toBe(403)
    expect((await t.client().get('/api/operator/businesses')).status).toBe(401)
    // OPERATOR_EMAILS is read case-insensitively and may name several.
    const second = await merchantWithOwner(t, { email: 'second@platform.test' })
    expect((await second.owner.get('/api/operator/businesses')).status).toBe(200)
    expect((await second.owner.get('/api/staff/me')).body.operator).toBe(true)
  })
})

describe('a suspended business', () => {
  it('cannot award (nor preview one, nor send queued scans), redeem, stamp, adjust, take POS earns or push; its members see a notice and keep their history', async () => {
    const op = await operator()
    const shop = await busyShop()
    const ada = shop.members[0]!
    await addDevice(ada.client)
    const handle = await scan(t, shop.owner, ada.card)
    // An award with a device queues "you earned" before the suspension.
    await shop.owner.post('/api/staff/earn', { handle, amountMinor: 500 }, { 'idempotency-key': idemKey() })
    const queued = await t.db.selectFrom('push_outbox').select('state').execute()
    expect(queued.map((r) => r.state)).toEqual(['queued'])
    const reward = (await shop.owner.post('/api/merchant/rewards', { name: 'Cookie', pointsCost: 5 })).body
    const coupon = (
      await ada.client.post(
        `/api/me/cards/${ada.card.id}/rewards/${reward.id}/redeem`,
        {},
        { 'idempotency-key': idemKey() },
      )
    ).body.coupon

    const suspended = await op.post(`/api/operator/businesses/${shop.merchantId}/suspend`, { reason: 'Unpaid invoice' })
    expect(suspended.body).toMatchObject({ status: 'suspended', suspendedReason: 'Unpaid invoice' })
    expect((await t.db.selectFrom('push_outbox').select('state').execute()).map((r) => r.state)).toEqual(['failed'])

    const refused = (res: { status: number; body: any }) => {
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe('business_suspended')
    }
    refused(await shop.owner.post('/api/staff/scan', { code: currentCode(t, ada.card) }))
    // The preview says what the award would: no.
    refused(await shop.owner.post('/api/staff/earn/preview', { handle, amountMinor: 500 }))
    refused(await shop.owner.post('/api/staff/earn', { handle, amountMinor: 500 }, { 'idempotency-key': idemKey() }))
    // A scan the till queued offline, sent now, is refused too (and recorded as refused for the alerts).
    const captured = t.clock.now()
    refused(
      await shop.owner.post(
        '/api/staff/queued-scans',
        {
          code: currentCode(t, ada.card, -1),
          capturedAt: new Date(captured.getTime() - 30_000).toISOString(),
          action: { kind: 'earn', amountMinor: 500 },
        },
        { 'idempotency-key': idemKey() },
      ),
    )
    expect(await t.db.selectFrom('offline_scans').select(['outcome', 'reason']).execute()).toEqual([
      { outcome: 'refused', reason: 'business_suspended' },
    ])
    refused(await shop.owner.post('/api/staff/stamps', { handle }, { 'idempotency-key': idemKey() }))
    refused(
      await shop.owner.post(
        '/api/staff/adjust',
        { handle, points: 5, reason: 'goodwill' },
        { 'idempotency-key': idemKey() },
      ),
    )
    refused(await shop.owner.post('/api/staff/coupons/redeem', { code: coupon.code }, { 'idempotency-key': idemKey() }))
    refused(
      await shop.owner.post(
        `/api/merchant/customers/${ada.card.id}/adjust`,
        { points: 5, reason: 'goodwill' },
        { 'idempotency-key': idemKey() },
      ),
    )
    refused(await shop.earn({ cardNumber: ada.card.cardNumber, amountMinor: 100 }))
    refused(await shop.owner.post('/api/merchant/push/offers', { title: 'Hi', body: 'Come by', segment: 'all' }))
    refused(
      await ada.client.post(
        `/api/me/cards/${ada.card.id}/rewards/${reward.id}/redeem`,
        {},
        { 'idempotency-key': idemKey() },
      ),
    )
    refused(await t.client().post('/api/join', { slug: shop.slug, name: 'Newcomer' }))
    // Automations skip it.
    expect(await runWelcome(t.deps)).toEqual({})

    // The member sees why, and keeps every entry.
    const card = (await ada.client.get(`/api/me/cards/${ada.card.id}`)).body
    expect(card.card.merchant.status).toBe('suspended')
    expect(card.history.length).toBeGreaterThanOrEqual(3)
    // Staff still sign in and see their console (and the status).
    expect((await shop.owner.get('/api/staff/me')).body.merchant.status).toBe('suspended')

    await op.post(`/api/operator/businesses/${shop.merchantId}/resume`)
    expect((await shop.owner.post('/api/staff/scan', { code: currentCode(t, ada.card, 1) })).status).toBe(200)
    expect((await runWelcome(t.deps)).queued).toBe(1)
  })

  it('holds its scheduled offers until it is resumed', async () => {
    const op = await operator()
    const shop = await busyShop()
    await addDevice(shop.members[0]!.client)
    const offer = await shop.owner.post('/api/merchant/push/offers', { title: 'Hi', body: 'Come by', segment: 'all' })
    expect(offer.status).toBe(201)
    await op.post(`/api/operator/businesses/${shop.merchantId}/suspend`, { reason: 'Complaint under review' })
    expect(await sendDueOffers(t.deps)).toEqual({})
    await op.post(`/api/operator/businesses/${shop.merchantId}/resume`)
    expect((await sendDueOffers(t.deps)).queued).toBe(1)
  })
})

describe('closing a business', () => {
  it('needs its data exported first; then staff are signed out, POS keys stop, and members keep their history', async () => {
    const op = await operator()
    const shop = await busyShop()
    const cashier = await addStaffMember(t, shop.merchantId, 'cashier')
    const early = await op.post(`/api/operator/businesses/${shop.merchantId}/close`)
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('export_required')
    expect((await op.get(`/api/operator/businesses/${shop.merchantId}/export`)).status).toBe(200)
    const closed = await op.post(`/api/operator/businesses/${shop.merchantId}/close`)
    expect(closed.body.status).toBe('closed')

    expect((await cashier.client.get('/api/staff/me')).status).toBe(401)
    const login = await t.client().post('/api/staff/login', { email: cashier.email, password: PASSWORD })
    expect(login.status).toBe(410)
    expect(login.body.error.code).toBe('business_closed')
    // The key is revoked (a lookup remembered for a second still meets the closed business).
    expect([401, 410]).toContain(
      (await shop.earn({ cardNumber: shop.members[0]!.card.cardNumber, amountMinor: 100 })).status,
    )
    const card = (await shop.members[0]!.client.get('/api/me/cards')).body.cards[0]
    expect(card.merchant.status).toBe('closed')
    expect(card.balance).toBe(150)
    const resumed = await op.post(`/api/operator/businesses/${shop.merchantId}/resume`)
    expect(resumed.body.error.code).toBe('business_closed')
  })
})
