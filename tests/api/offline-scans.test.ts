import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { qrPayload } from '../../server/contract/card-code.js'
import { codeAt } from '../../server/domain/rotating-code.js'
import { detectStaffAnomalies } from '../../server/services/insights/staff-alerts.js'
import { addStaff, currentCode, idemKey, joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const MIN = 60_000
type Card = { id: string; cardNumber: string; totpSecret: string }

/** The code the member's phone showed at `at`, as the till captured it. */
const codeAt_ = (card: Card, at: Date) => qrPayload(card.cardNumber, codeAt(card.totpSecret, at))
const ago = (ms: number) => new Date(t.clock.now().getTime() - ms)

async function shop() {
  const m = await merchantWithOwner(t)
  const cashier = await addStaff(t, m.merchantId, 'cashier')
  const { card, client } = await joinedCustomer(t, m.slug)
  // The shop opened in the morning; the till went offline later (its program is older than the captures).
  t.clock.advance(3 * 60 * MIN)
  return { ...m, cashier, card: card as Card, member: client }
}

function queued(staff: TestClient, body: object, key = idemKey()) {
  return staff.post('/api/staff/queued-scans', body, { 'idempotency-key': key })
}
const earn = (card: Card, at: Date, amountMinor = 1250) => ({
  code: codeAt_(card, at),
  capturedAt: at.toISOString(),
  action: { kind: 'earn', amountMinor },
})

const offlineRows = () =>
  t.db.selectFrom('offline_scans').select(['outcome', 'reason', 'action']).orderBy('synced_at').orderBy('id').execute()

describe('scans queued by a till while offline', () => {
  it('awards a purchase captured 20 minutes ago, once per key, and the member sees it', async () => {
    const s = await shop()
    const at = ago(20 * MIN)
    const key = idemKey()
    const first = await queued(s.cashier, earn(s.card, at), key)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ cardNumber: s.card.cardNumber, memberName: 'Ada', balance: 12, stamps: null })
    expect(first.body.entry).toMatchObject({ kind: 'earn', points: 12, amountMinor: 1250 })
    // The till did not hear the answer and sends it again: the same answer, one entry.
    const again = await queued(s.cashier, earn(s.card, at), key)
    expect(again.status).toBe(201)
    expect(again.body).toEqual(first.body)
    const entries = await t.db.selectFrom('ledger_entries').select('id').where('card_id', '=', s.card.id).execute()
    expect(entries).toHaveLength(1)
    expect((await s.member.get(`/api/me/cards/${s.card.id}`)).body.card.balance).toBe(12)
    expect(await offlineRows()).toEqual([{ outcome: 'accepted', reason: null, action: 'earn' }])
  })

  it('applies the rules of the capture time: a promotion that ran then counts', async () => {
    const s = await shop()
    // It is Tuesday 16:00 in Warsaw; the program is saved with a promotion until 16:30.
    const promo = { name: 'Lunch', multiplier: 2, weekdays: [2], startTime: '16:00', endTime: '16:30' }
    const put = await s.owner.req('PUT', '/api/merchant/program', {
      rules: { pointsPerUnit: 1, unitMinor: 100, promotions: [promo] },
    })
    expect(put.status).toBe(200)
    // The network is back at 16:45, after the promotion; the purchase was made during it.
    t.clock.advance(45 * MIN)
    const res = await queued(s.cashier, earn(s.card, ago(30 * MIN), 1000))
    expect(res.body.entry).toMatchObject({ points: 20, reason: 'Purchase of 10.00 EUR, x2 Lunch' })
  })

  it('refuses a reused code, a forged code, a code used online since, and tells which', async () => {
    const s = await shop()
    const at = ago(10 * MIN)
    expect((await queued(s.cashier, earn(s.card, at))).status).toBe(201)
    // The same code queued twice (a double scan, or a screenshot shown to two tills).
    const reused = await queued(s.cashier, earn(s.card, at))
    expect(reused.status).toBe(409)
    expect(reused.body.error.code).toBe('code_used')
    // Six digits that were never the card's code.
    const real = codeAt(s.card.totpSecret, ago(5 * MIN))
    const forged = String((Number(real) + 1) % 1_000_000).padStart(6, '0')
    const f = await queued(s.cashier, {
      code: qrPayload(s.card.cardNumber, forged),
      capturedAt: ago(5 * MIN).toISOString(),
      action: { kind: 'earn', amountMinor: 500 },
    })
    expect(f.status).toBe(400)
    expect(f.body.error.code).toBe('code_invalid')
    // Online, the card was opened with the current code; a queued scan of that code is refused.
    const online = await s.cashier.post('/api/staff/scan', { code: currentCode(t, s.card) })
    expect(online.status).toBe(200)
    const usedOnline = await queued(s.cashier, earn(s.card, t.clock.now()))
    expect(usedOnline.body.error.code).toBe('code_used')
    // And the other way round: a code used by a queued scan no longer opens the card online.
    const later = new Date(t.clock.now().getTime() + 30_000)
    t.clock.advance(30_000)
    expect((await queued(s.cashier, earn(s.card, later))).status).toBe(201)
    const onlineAfter = await s.cashier.post('/api/staff/scan', { code: currentCode(t, s.card) })
    expect(onlineAfter.body.error.code).toBe('code_used')
    expect((await offlineRows()).map((r) => r.reason)).toEqual([null, 'code_used', 'code_invalid', 'code_used', null])
  })

  it('refuses a capture time in the future or older than 12 hours, and a code not valid at its capture time', async () => {
    const s = await shop()
    const ahead = new Date(t.clock.now().getTime() + 10 * MIN)
    const future = await queued(s.cashier, earn(s.card, ahead))
    expect([future.status, future.body.error.code]).toEqual([422, 'capture_in_future'])
    const old = await queued(s.cashier, earn(s.card, ago(13 * 60 * MIN)))
    expect([old.status, old.body.error.code]).toEqual([422, 'capture_too_old'])
    // A real code, but shown an hour before the time the till claims to have captured it.
    const stale = await queued(s.cashier, {
      code: codeAt_(s.card, ago(90 * MIN)),
      capturedAt: ago(30 * MIN).toISOString(),
      action: { kind: 'earn', amountMinor: 500 },
    })
    expect(stale.status).toBeGreaterThanOrEqual(400)
    expect(['code_expired', 'code_invalid']).toContain(stale.body.error.code)
    // Within the two minutes a till's clock may run ahead, it is fine.
    const skewed = await queued(s.cashier, earn(s.card, new Date(t.clock.now().getTime() + 60_000)))
    expect(skewed.status).toBe(201)
  })

  it('adds a queued stamp at its capture time', async () => {
    const s = await shop()
    const put = await s.owner.req('PUT', '/api/merchant/stamp-card', {
      stampsRequired: 5,
      rewardTitle: 'Free coffee',
      dailyLimit: 2,
    })
    expect(put.status).toBe(200)
    const at = ago(15 * MIN)
    const res = await queued(s.cashier, {
      code: codeAt_(s.card, at),
      capturedAt: at.toISOString(),
      action: { kind: 'stamp' },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ entry: null, stamps: { filled: 1, required: 5 }, couponTitle: null })
    const stamps = await t.db.selectFrom('stamps').select('created_at').where('card_id', '=', s.card.id).execute()
    expect(stamps).toEqual([{ created_at: at.toISOString() }])
  })

  it('does not open a card with a secret rotated away by signing the device out', async () => {
    const s = await shop()
    const devices = (await s.member.get('/api/me/devices')).body.devices as Array<{ id: string }>
    expect((await s.member.req('DELETE', `/api/me/devices/${devices[0]!.id}`)).status).toBe(200)
    const res = await queued(s.cashier, earn(s.card, ago(2 * MIN)))
    expect(res.body.error.code).toBe('code_invalid')
  })

  it('is for signed-in staff only', async () => {
    const s = await shop()
    const res = await t
      .client()
      .post('/api/staff/queued-scans', earn(s.card, ago(MIN)), { 'idempotency-key': idemKey() })
    expect(res.status).toBe(401)
  })
})

describe('staff alerts on queued scans', () => {
  const alerts = () => t.db.selectFrom('staff_alerts').select(['rule', 'count', 'threshold']).orderBy('rule').execute()

  it('flag many queued awards, queued scans captured after hours, and repeated refusals', async () => {
    const s = await shop()
    // It is 16:00 in Warsaw, and the shop closed at 15:50.
    const day = { open: '08:00', close: '15:50' }
    expect(
      (await s.owner.req('PUT', '/api/merchant/opening-hours', { hours: [day, day, day, day, day, day, day] })).status,
    ).toBe(200)
    // Ten members served during an outage, one award each.
    for (let i = 0; i < 10; i++) {
      const { card } = await joinedCustomer(t, s.slug, `Guest ${i}`)
      expect((await queued(s.cashier, earn(card as Card, ago((30 - i) * MIN)))).status).toBe(201)
    }
    // One captured at 15:55, after closing.
    expect((await queued(s.cashier, earn(s.card, ago(5 * MIN)))).status).toBe(201)
    // Three forged codes.
    for (const digits of ['000000', '111111', '222222']) {
      const r = await queued(s.cashier, {
        code: qrPayload(s.card.cardNumber, digits),
        capturedAt: ago(MIN).toISOString(),
        action: { kind: 'earn', amountMinor: 100 },
      })
      expect(r.status).toBe(400)
    }
    t.clock.advance(MIN)
    await detectStaffAnomalies(t.deps)
    expect(await alerts()).toEqual([
      { rule: 'offline_burst', count: 11, threshold: 10 },
      { rule: 'offline_off_hours', count: 1, threshold: 0 },
      { rule: 'offline_refused', count: 3, threshold: 3 },
    ])
    const list = (await s.owner.get('/api/merchant/alerts')).body.alerts as Array<{ rule: string; entries: unknown[] }>
    expect(list.find((a) => a.rule === 'offline_burst')!.entries.length).toBe(11)
    // Running again finds the same alerts, not new ones.
    expect((await detectStaffAnomalies(t.deps)).created).toBe(0)
  })
})
