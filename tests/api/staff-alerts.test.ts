import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { detectStaffAnomalies } from '../../server/services/insights/staff-alerts.js'
import { addStaff, merchantWithOwner } from '../helpers/factories.js'
import { ownerAgain, seedEntry, staffIdOf } from '../helpers/insights.js'
import { count, member } from '../helpers/push.js'
import { startPushService } from '../helpers/push-service.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { DAY_MS } from '../../server/domain/time.js'
import { all } from '../helpers/db.js'

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

const MIN = 60_000
const HOUR = 60 * MIN
// T0 is Tuesday 2026-03-10 12:00 UTC, 13:00 in Warsaw (the factories' time zone).

async function shop() {
  const m = await merchantWithOwner(t)
  await addStaff(t, m.merchantId, 'cashier')
  const cashierId = await staffIdOf(t, m.merchantId, 'cashier')
  const cards: string[] = []
  for (let i = 0; i < 12; i++) cards.push((await member(t, m.slug, { name: `Guest ${i}` })).cardId)
  const award = (cardId: string, at: number) =>
    seedEntry(t, { cardId, merchantId: m.merchantId, at: new Date(at).toISOString(), staffId: cashierId })
  return { ...m, cashierId, cards, award }
}

/** A normal fortnight: 4 awards an hour, 10:00-16:00 UTC, each to a different card, every day. */
async function normalHistory(s: Awaited<ReturnType<typeof shop>>, days = 14) {
  const start = t.clock.now().getTime() - days * DAY_MS
  for (let d = 0; d < days; d++) {
    for (let h = 10; h < 16; h++) {
      const base = start + d * DAY_MS - 12 * HOUR + h * HOUR
      for (let k = 0; k < 4; k++) await s.award(s.cards[(d + h + k) % s.cards.length]!, base + k * 12 * MIN)
    }
  }
}

const alerts = async () =>
  (await all(t.db, 'select rule, alert_key, count, threshold, state from staff_alerts order by rule')) as Record<
    string,
    unknown
  >[]

describe('staff anomaly alerts', () => {
  it('stay quiet on normal trading', async () => {
    const s = await shop()
    await normalHistory(s)
    expect(await detectStaffAnomalies(t.deps)).toEqual({ created: 0, updated: 0, pushed: 0 })
    expect(await alerts()).toEqual([])
  })

  it("flag an hour far above the staff member's norm, exactly once", async () => {
    const s = await shop()
    await normalHistory(s)
    // Median 4 an hour -> threshold max(12, 10) = 12; 13 awards in the 11:00 hour.
    const hour = Date.parse('2026-03-10T11:00:00.000Z')
    for (let i = 0; i < 13; i++) await s.award(s.cards[i % 12]!, hour + i * 4 * MIN + 30_000)
    expect((await detectStaffAnomalies(t.deps)).created).toBe(1)
    expect(await alerts()).toEqual([
      { rule: 'rate', alert_key: `rate:${s.cashierId}:2026-03-10T11`, count: 13, threshold: 12, state: 'open' },
    ])
    expect((await detectStaffAnomalies(t.deps)).created).toBe(0)
    t.clock.advance(2 * DAY_MS)
    expect((await detectStaffAnomalies(t.deps)).created).toBe(0)
    expect(await count(t, 'select count(*) n from staff_alerts')).toBe(1)
  })

  it('flag one card awarded three times in ten minutes, and catch up after downtime', async () => {
    const s = await shop()
    await normalHistory(s, 3)
    expect((await detectStaffAnomalies(t.deps)).created).toBe(0)
    // The server is down for three days; meanwhile the same card is awarded at 0, 3 and 7 minutes.
    const at = t.clock.now().getTime() + DAY_MS
    await s.award(s.cards[0]!, at)
    await s.award(s.cards[0]!, at + 3 * MIN)
    await s.award(s.cards[0]!, at + 7 * MIN)
    t.clock.advance(3 * DAY_MS)
    expect((await detectStaffAnomalies(t.deps)).created).toBe(1)
    expect(await alerts()).toEqual([expect.objectContaining({ rule: 'repeat_card', count: 3, threshold: 3 })])
    expect((await detectStaffAnomalies(t.deps)).created).toBe(0)
  })

  it('flag a card awarded every few minutes for more than a day once, on the first run and every run after', async () => {
    const s = await shop()
    const start = t.clock.now().getTime() - 30 * HOUR
    for (let i = 0; i < (30 * 60) / 4; i++) await s.award(s.cards[4]!, start + i * 4 * MIN)
    await detectStaffAnomalies(t.deps)
    const repeats = async () => (await alerts()).filter((a) => a.rule === 'repeat_card')
    expect(await repeats()).toEqual([expect.objectContaining({ count: 450 })]) // every award of the run (the entry ids stop at 100)
    t.clock.advance(HOUR)
    await s.award(s.cards[4]!, t.clock.now().getTime() - 2 * MIN)
    await detectStaffAnomalies(t.deps)
    expect(await repeats()).toHaveLength(1)
  })

  it('flag awards outside the opening hours the owner set, and none without hours', async () => {
    const s = await shop()
    // 22:30 Warsaw on Tuesday (21:30 UTC).
    await s.award(s.cards[1]!, Date.parse('2026-03-10T21:30:00.000Z'))
    t.clock.set('2026-03-10T22:00:00.000Z')
    expect((await detectStaffAnomalies(t.deps)).created).toBe(0)
    const owner = await ownerAgain(t, s.merchantId)
    const day = { open: '08:00', close: '20:00' }
    const put = await owner.req('PUT', '/api/merchant/opening-hours', { hours: [day, day, day, day, day, day, null] })
    expect(put.status).toBe(200)
    expect((await owner.get('/api/merchant/opening-hours')).body.hours[0]).toEqual(day)
    expect((await detectStaffAnomalies(t.deps)).created).toBe(1)
    expect(await alerts()).toEqual([
      { rule: 'off_hours', alert_key: `off_hours:${s.cashierId}:2026-03-10`, count: 1, threshold: 0, state: 'open' },
    ])
    // A second late award the same evening grows the same alert.
    await s.award(s.cards[2]!, Date.parse('2026-03-10T21:50:00.000Z'))
    expect(await detectStaffAnomalies(t.deps)).toMatchObject({ created: 0, updated: 1 })
    expect(await alerts()).toEqual([expect.objectContaining({ count: 2 })])
  })

  it('are listed with who, when and the entries, and can be acknowledged or dismissed by owners and managers only', async () => {
    const s = await shop()
    const e1 = await s.award(s.cards[0]!, t.clock.now().getTime() - 9 * MIN)
    await s.award(s.cards[0]!, t.clock.now().getTime() - 5 * MIN)
    await s.award(s.cards[0]!, t.clock.now().getTime() - 1 * MIN)
    await detectStaffAnomalies(t.deps)
    const list = await s.owner.get('/api/merchant/alerts')
    expect(list.status).toBe(200)
    const [a] = list.body.alerts
    expect(a).toMatchObject({
      rule: 'repeat_card',
      staffId: s.cashierId,
      staffName: expect.stringMatching(/^cashier/),
      cardId: s.cards[0],
      count: 3,
      state: 'open',
    })
    expect(a.entries.map((e: { id: string }) => e.id)[0]).toBe(e1)
    expect(a.entries).toHaveLength(3)

    const cashier = await addStaff(t, s.merchantId, 'cashier')
    expect((await cashier.get('/api/merchant/alerts')).status).toBe(403)
    expect((await cashier.post(`/api/merchant/alerts/${a.id}/state`, { state: 'dismissed' })).status).toBe(403)
    const other = await merchantWithOwner(t)
    expect((await other.owner.get('/api/merchant/alerts')).body.alerts).toEqual([])
    expect((await other.owner.post(`/api/merchant/alerts/${a.id}/state`, { state: 'dismissed' })).status).toBe(404)

    const manager = await addStaff(t, s.merchantId, 'manager')
    expect((await manager.post(`/api/merchant/alerts/${a.id}/state`, { state: 'acknowledged' })).status).toBe(204)
    const after = (await s.owner.get('/api/merchant/alerts')).body.alerts[0]
    expect(after).toMatchObject({
      state: 'acknowledged',
      resolvedBy: expect.stringMatching(/^manager/),
      resolvedAt: t.clock.now().toISOString(),
    })
    // A rerun does not reopen it.
    await detectStaffAnomalies(t.deps)
    expect((await s.owner.get('/api/merchant/alerts')).body.alerts[0].state).toBe('acknowledged')
    expect((await manager.req('PUT', '/api/merchant/opening-hours', { hours: null })).status).toBe(403)
  })

  it("push each new alert to the owner's device through a real mock push service", async () => {
    const s = await shop()
    const key = (await s.owner.get('/api/push/public-key')).body.publicKey as string
    const sub = await service.subscribe(key)
    expect(
      (await s.owner.post('/api/merchant/alerts/devices', { endpoint: sub.endpoint, keys: sub.keys })).status,
    ).toBe(204)
    expect((await s.owner.get('/api/merchant/alerts/devices')).body.endpoints).toEqual([sub.endpoint])
    const manager = await addStaff(t, s.merchantId, 'manager')
    expect(
      (await manager.post('/api/merchant/alerts/devices', { endpoint: sub.endpoint, keys: sub.keys })).status,
    ).toBe(403)

    for (const m of [9, 5, 1]) await s.award(s.cards[3]!, t.clock.now().getTime() - m * MIN)
    expect(await detectStaffAnomalies(t.deps)).toEqual({ created: 1, updated: 0, pushed: 1 })
    const messages = await service.messages(sub.clientHash)
    expect(messages.map((raw) => JSON.parse(raw))).toEqual([
      {
        title: 'One card awarded again and again',
        body: '3 award(s). Open the console to review.',
        url: '/merchant/alerts',
        tag: 'staff-alert',
        kind: 'staff_alert',
      },
    ])
    // Nothing new: nothing pushed.
    expect(await detectStaffAnomalies(t.deps)).toEqual({ created: 0, updated: 0, pushed: 0 })
    expect(await service.messages(sub.clientHash)).toHaveLength(1)
  })
})
