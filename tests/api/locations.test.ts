import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { qrPayload } from '../../server/contract/card-code.js'
import { codeAt } from '../../server/domain/rotating-code.js'
import { detectStaffAnomalies } from '../../server/services/insights/staff-alerts.js'
import { addStaffMember, currentCode, idemKey, joinedCustomer, merchantWithOwner, scan } from '../helpers/factories.js'
import { addLocations, assignLocations } from '../helpers/platform.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const lines = (csv: string) => csv.split('\r\n').slice(0, -1)
const locationOfEntry = async (id: string) =>
  (await t.db.selectFrom('ledger_entries').select('location_id').where('id', '=', id).executeTakeFirstOrThrow())
    .location_id

/** A café with two locations and a cashier assigned to the first. */
async function cafe() {
  const m = await merchantWithOwner(t, { pointsPerUnit: 1 })
  const [oldTown, riverside] = (await addLocations(m.owner, ['Old Town', 'Riverside'])) as [string, string]
  const cashier = await addStaffMember(t, m.merchantId, 'cashier')
  await assignLocations(m.owner, cashier.id, [oldTown])
  return { ...m, oldTown, riverside, cashier }
}

describe('locations', () => {
  it('are kept with their address, time zone and opening hours, and staff are assigned to them', async () => {
    const c = await cafe()
    const hours = [{ open: '08:00', close: '18:00' }, null, null, null, null, null, null]
    const edited = await c.owner.req('PUT', `/api/merchant/locations/${c.riverside}`, {
      name: 'Riverside',
      address: 'Bulwar 3, Kraków',
      timezone: 'Europe/Warsaw',
      openingHours: hours,
    })
    expect(edited.status).toBe(200)
    expect(edited.body).toMatchObject({ address: 'Bulwar 3, Kraków', openingHours: hours, archived: false })
    const list = (await c.owner.get('/api/merchant/locations')).body.locations
    expect(list.map((l: { name: string }) => l.name)).toEqual(['Old Town', 'Riverside'])
    expect(list[0].staffIds).toEqual([c.cashier.id])
    const staff = (await c.owner.get('/api/merchant/staff')).body.staff
    expect(staff.find((s: { id: string }) => s.id === c.cashier.id).locationIds).toEqual([c.oldTown])
    expect((await c.cashier.client.get('/api/staff/me')).body.locations).toEqual([{ id: c.oldTown, name: 'Old Town' }])
    // Every location for someone assigned to none.
    expect((await c.owner.get('/api/staff/me')).body.locations).toHaveLength(2)
    const badZone = await c.owner.post('/api/merchant/locations', { name: 'X', timezone: 'Nowhere/Land' })
    expect(badZone.body.error.details[0].path).toBe('timezone')
  })

  it('record where every award, stamp and redemption happened: a cashier assigned to one location works there', async () => {
    const c = await cafe()
    await c.owner.req('PUT', '/api/merchant/stamp-card', {
      stampsRequired: 5,
      rewardTitle: 'Free coffee',
      rewardTerms: '',
      rewardValidDays: 30,
      dailyLimit: 5,
      cooldownMinutes: 0,
      active: true,
    })
    const reward = (await c.owner.post('/api/merchant/rewards', { name: 'Cookie', pointsCost: 5 })).body
    const ada = await joinedCustomer(t, c.slug)

    const opened = await c.cashier.client.post('/api/staff/scan', { code: currentCode(t, ada.card) })
    expect(opened.body.location).toEqual({ id: c.oldTown, name: 'Old Town' })
    t.clock.advance(30_000)
    const award = await c.cashier.client.post(
      '/api/staff/earn',
      { handle: opened.body.handle, amountMinor: 2000 },
      { 'idempotency-key': idemKey() },
    )
    expect(award.status).toBe(201)
    expect(await locationOfEntry(award.body.entry.id)).toBe(c.oldTown)
    const stamp = await c.cashier.client.post(
      '/api/staff/stamps',
      { handle: opened.body.handle },
      { 'idempotency-key': idemKey() },
    )
    expect(stamp.status).toBe(201)
    expect((await t.db.selectFrom('stamps').select('location_id').executeTakeFirstOrThrow()).location_id).toBe(
      c.oldTown,
    )
    const undo = await c.cashier.client.post(
      '/api/staff/undo',
      { handle: opened.body.handle, entryId: award.body.entry.id },
      { 'idempotency-key': idemKey() },
    )
    expect(await locationOfEntry(undo.body.entry.id)).toBe(c.oldTown)

    // A coupon redeemed at the till records the location too.
    const again = await scan(t, c.cashier.client, ada.card)
    await c.cashier.client.post(
      '/api/staff/earn',
      { handle: again, amountMinor: 1000 },
      { 'idempotency-key': idemKey() },
    )
    const coupon = await ada.client.post(
      `/api/me/cards/${ada.card.id}/rewards/${reward.id}/redeem`,
      {},
      { 'idempotency-key': idemKey() },
    )
    expect(coupon.status).toBe(201)
    const redeemed = await c.cashier.client.post(
      '/api/staff/coupons/redeem',
      { code: coupon.body.coupon.code },
      { 'idempotency-key': idemKey() },
    )
    expect(redeemed.status).toBe(200)
    expect(
      (await t.db.selectFrom('coupon_redemptions').select('location_id').executeTakeFirstOrThrow()).location_id,
    ).toBe(c.oldTown)
    // The member's own redemption in the app happened nowhere in particular.
    const redeemEntry = await t.db
      .selectFrom('ledger_entries')
      .select('location_id')
      .where('kind', '=', 'redeem')
      .executeTakeFirstOrThrow()
    expect(redeemEntry.location_id).toBeNull()
  })

  it('refuses a location a cashier is not assigned to, and asks someone who may work at several to choose', async () => {
    const c = await cafe()
    const ada = await joinedCustomer(t, c.slug)
    const elsewhere = await c.cashier.client.post('/api/staff/scan', {
      code: currentCode(t, ada.card),
      locationId: c.riverside,
    })
    expect(elsewhere.status).toBe(403)
    expect(elsewhere.body.error).toMatchObject({ code: 'location_not_allowed', details: [{ path: 'locationId' }] })
    const unsure = await c.owner.post('/api/staff/scan', { code: currentCode(t, ada.card) })
    expect(unsure.status).toBe(400)
    expect(unsure.body.error).toMatchObject({ code: 'location_required', details: [{ path: 'locationId' }] })
    const chosen = await c.owner.post('/api/staff/scan', { code: currentCode(t, ada.card), locationId: c.riverside })
    expect(chosen.body.location.name).toBe('Riverside')
    // An archived location leaves the till.
    await c.owner.req('PUT', `/api/merchant/locations/${c.riverside}`, {
      name: 'Riverside',
      timezone: 'Europe/Warsaw',
      archived: true,
    })
    t.clock.advance(30_000)
    const archived = await c.owner.post('/api/staff/scan', { code: currentCode(t, ada.card), locationId: c.riverside })
    expect(archived.body.error.code).toBe('location_not_found')
  })

  it('give each its own signup link: the owner sees where a member joined, and can export just those members', async () => {
    const c = await cafe()
    const link = await c.owner.post('/api/merchant/signup-links', {
      campaign: 'Riverside counter',
      locationId: c.riverside,
    })
    expect(link.status).toBe(201)
    expect(link.body.location).toMatchObject({ id: c.riverside, name: 'Riverside' })
    const joined = await t.client().post('/api/join', { slug: c.slug, name: 'Rita', via: link.body.code })
    await t.client().post('/api/join', { slug: c.slug, name: 'Other' })
    const detail = (await c.owner.get(`/api/merchant/customers/${joined.body.card.id}`)).body
    expect(detail).toMatchObject({ joinedLocation: { name: 'Riverside' }, joinedVia: 'Riverside counter' })
    const links = (await c.owner.get('/api/merchant/signup-links')).body.links
    expect(links.find((l: { id: string }) => l.id === link.body.id).joined).toBe(1)

    const csv = await c.owner.get(`/api/merchant/exports/members.csv?locationId=${c.riverside}`)
    const rows = lines(csv.body)
    expect(rows).toHaveLength(2)
    expect(rows[1]).toMatch(/Rita.*,Riverside$/)
  })

  it('filter insights, the ledger export and staff alerts by location', async () => {
    const c = await cafe()
    const ada = await joinedCustomer(t, c.slug, 'Ada')
    const bob = await joinedCustomer(t, c.slug, 'Bob')
    const h1 = await scan(t, c.cashier.client, ada.card)
    await c.cashier.client.post('/api/staff/earn', { handle: h1, amountMinor: 1250 }, { 'idempotency-key': idemKey() })
    const h2 = await scan(t, c.owner, bob.card, c.riverside)
    await c.owner.post('/api/staff/earn', { handle: h2, amountMinor: 800 }, { 'idempotency-key': idemKey() })

    const breakdown = (await c.owner.get('/api/merchant/insights/locations')).body
    expect(breakdown.rows).toEqual([
      {
        location: { id: c.oldTown, name: 'Old Town' },
        purchases: 1,
        spendMinor: 1250,
        pointsAwarded: 12,
        redemptions: 0,
        stamps: 0,
        newMembers: 0,
      },
      {
        location: { id: c.riverside, name: 'Riverside' },
        purchases: 1,
        spendMinor: 800,
        pointsAwarded: 8,
        redemptions: 0,
        stamps: 0,
        newMembers: 0,
      },
      { location: null, purchases: 0, spendMinor: 0, pointsAwarded: 0, redemptions: 0, stamps: 0, newMembers: 2 },
    ])
    const all = (await c.owner.get('/api/merchant/insights')).body
    const here = (await c.owner.get(`/api/merchant/insights?locationId=${c.oldTown}`)).body
    expect(all.members).toBe(2)
    expect(here).toMatchObject({ members: 1, location: { name: 'Old Town' } })

    const day = t.clock.now().toISOString().slice(0, 10)
    const ledger = await c.owner.get(`/api/merchant/exports/ledger.csv?from=${day}&to=${day}&locationId=${c.riverside}`)
    expect(ledger.headers.get('content-disposition')).toContain('-riverside-ledger-')
    const rows = lines(ledger.body)
    expect(rows).toHaveLength(2)
    expect(rows[1]).toMatch(/,Riverside$/)

    // Old Town keeps hours that exclude now; Riverside none: only Old Town's award is off hours.
    await c.owner.req('PUT', `/api/merchant/locations/${c.oldTown}`, {
      name: 'Old Town',
      timezone: 'Europe/Warsaw',
      openingHours: [null, null, null, null, null, null, null],
    })
    expect((await detectStaffAnomalies(t.deps)).created).toBe(1)
    const alerts = (await c.owner.get(`/api/merchant/alerts?locationId=${c.oldTown}`)).body.alerts
    expect(alerts).toMatchObject([{ rule: 'off_hours', location: { name: 'Old Town' } }])
    expect((await c.owner.get(`/api/merchant/alerts?locationId=${c.riverside}`)).body.alerts).toEqual([])
  })

  it('let a POS key stand at one location: its earns are recorded there', async () => {
    const c = await cafe()
    const key = (await c.owner.post('/api/merchant/api-keys', { name: 'Till 2', locationId: c.riverside })).body
    expect(key.locationId).toBe(c.riverside)
    const ada = await joinedCustomer(t, c.slug)
    const res = await t
      .client()
      .post(
        '/api/pos/v1/earn',
        { cardNumber: ada.card.cardNumber, amountMinor: 500 },
        { authorization: `Bearer ${key.key}`, 'idempotency-key': idemKey() },
      )
    expect(res.status).toBe(201)
    expect(await locationOfEntry(res.body.entry.id)).toBe(c.riverside)
  })
})

describe("the till's other paths", () => {
  const queued = (staff: TestClient, body: object) =>
    staff.post('/api/staff/queued-scans', body, { 'idempotency-key': idemKey() })
  const captured = (card: { cardNumber: string; totpSecret: string }, at: Date) =>
    qrPayload(card.cardNumber, codeAt(card.totpSecret, at))

  it('record where a scan queued offline was captured, and refuse a location the cashier may not work at', async () => {
    const c = await cafe()
    await c.owner.req('PUT', '/api/merchant/stamp-card', {
      stampsRequired: 5,
      rewardTitle: 'Free coffee',
      rewardTerms: '',
      rewardValidDays: 30,
      dailyLimit: 5,
      cooldownMinutes: 0,
      active: true,
    })
    const ada = await joinedCustomer(t, c.slug)
    const bob = await joinedCustomer(t, c.slug, 'Bob')
    t.clock.advance(60 * 60_000)
    const tenMinutesAgo = new Date(t.clock.now().getTime() - 10 * 60_000)

    // The cashier works only at Old Town: a capture sent without a location is recorded there.
    const earn = await queued(c.cashier.client, {
      code: captured(ada.card, tenMinutesAgo),
      capturedAt: tenMinutesAgo.toISOString(),
      action: { kind: 'earn', amountMinor: 1500 },
    })
    expect(earn.status).toBe(201)
    expect(await locationOfEntry(earn.body.entry.id)).toBe(c.oldTown)

    // The owner, who may work anywhere, queued a stamp at Riverside.
    const stamp = await queued(c.owner, {
      code: captured(bob.card, tenMinutesAgo),
      capturedAt: tenMinutesAgo.toISOString(),
      locationId: c.riverside,
      action: { kind: 'stamp' },
    })
    expect(stamp.status).toBe(201)
    expect((await t.db.selectFrom('stamps').select('location_id').executeTakeFirstOrThrow()).location_id).toBe(
      c.riverside,
    )

    // A location the cashier is not assigned to is refused, as a scan would be, and kept as refused.
    const elsewhere = await queued(c.cashier.client, {
      code: captured(bob.card, new Date(tenMinutesAgo.getTime() + 60_000)),
      capturedAt: new Date(tenMinutesAgo.getTime() + 60_000).toISOString(),
      locationId: c.riverside,
      action: { kind: 'earn', amountMinor: 900 },
    })
    expect(elsewhere.status).toBe(403)
    expect(elsewhere.body.error.code).toBe('location_not_allowed')

    const rows = await t.db
      .selectFrom('offline_scans')
      .select(['action', 'outcome', 'reason', 'location_id'])
      .orderBy('synced_at')
      .orderBy('id')
      .execute()
    expect(rows).toEqual([
      { action: 'earn', outcome: 'accepted', reason: null, location_id: c.oldTown },
      { action: 'stamp', outcome: 'accepted', reason: null, location_id: c.riverside },
      { action: 'earn', outcome: 'refused', reason: 'location_not_allowed', location_id: c.riverside },
    ])
  })

  it("judge a queued scan by its location's own opening hours", async () => {
    const c = await cafe()
    const ada = await joinedCustomer(t, c.slug)
    // Old Town is never open; the business as a whole has no hours (so no off-hours alert elsewhere).
    await c.owner.req('PUT', `/api/merchant/locations/${c.oldTown}`, {
      name: 'Old Town',
      timezone: 'Europe/Warsaw',
      openingHours: [null, null, null, null, null, null, null],
    })
    t.clock.advance(60 * 60_000)
    const at = new Date(t.clock.now().getTime() - 5 * 60_000)
    const res = await queued(c.cashier.client, {
      code: captured(ada.card, at),
      capturedAt: at.toISOString(),
      action: { kind: 'earn', amountMinor: 800 },
    })
    expect(res.status).toBe(201)
    t.clock.advance(60_000)
    await detectStaffAnomalies(t.deps)
    const alerts = (await c.owner.get(`/api/merchant/alerts?locationId=${c.oldTown}`)).body.alerts
    expect(alerts).toMatchObject([{ rule: 'offline_off_hours', count: 1, location: { name: 'Old Town' } }])
  })

  it('name the location in the coupon verdict: where a used coupon was used', async () => {
    const c = await cafe()
    const reward = (await c.owner.post('/api/merchant/rewards', { name: 'Cookie', pointsCost: 5 })).body
    const ada = await joinedCustomer(t, c.slug)
    const handle = await scan(t, c.cashier.client, ada.card)
    await c.cashier.client.post('/api/staff/earn', { handle, amountMinor: 1000 }, { 'idempotency-key': idemKey() })
    const coupon = (
      await ada.client.post(
        `/api/me/cards/${ada.card.id}/rewards/${reward.id}/redeem`,
        {},
        { 'idempotency-key': idemKey() },
      )
    ).body.coupon
    const redeemed = await c.cashier.client.post(
      '/api/staff/coupons/redeem',
      { code: coupon.code },
      { 'idempotency-key': idemKey() },
    )
    expect(redeemed.status).toBe(200)
    const looked = await c.owner.post('/api/staff/coupons/lookup', { code: coupon.code })
    expect(looked.body.lastRedemption).toMatchObject({ locationName: 'Old Town', tillName: null })
    const again = await c.owner.post(
      '/api/staff/coupons/redeem',
      { code: coupon.code, locationId: c.riverside },
      { 'idempotency-key': idemKey() },
    )
    expect(again.status).toBe(409)
    expect(again.body.error.details.lastRedemption).toEqual(looked.body.lastRedemption)
  })

  it('give a visit rating the location of the visit', async () => {
    const c = await cafe()
    const ada = await joinedCustomer(t, c.slug)
    const handle = await scan(t, c.cashier.client, ada.card)
    await c.cashier.client.post('/api/staff/earn', { handle, amountMinor: 1000 }, { 'idempotency-key': idemKey() })
    const question = (await ada.client.get(`/api/me/cards/${ada.card.id}/feedback`)).body.question
    expect(question).not.toBeNull()
    const rated = await ada.client.post(`/api/me/cards/${ada.card.id}/feedback/rating`, {
      requestId: question.id,
      rating: 4,
    })
    expect(rated.status).toBe(201)
    const response = await t.db.selectFrom('feedback_responses').select('location_id').executeTakeFirstOrThrow()
    expect(response.location_id).toBe(c.oldTown)
    const inbox = (await c.owner.get(`/api/merchant/feedback/inbox?locationId=${c.oldTown}`)).body
    expect(inbox.items).toHaveLength(1)
    const options = (await c.owner.get('/api/merchant/feedback/options')).body
    expect(options.locations).toEqual([
      { id: c.oldTown, name: 'Old Town' },
      { id: c.riverside, name: 'Riverside' },
    ])
  })
})
