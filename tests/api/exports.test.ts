import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addStaff, merchantWithOwner } from '../helpers/factories.js'
import { ownerAgain, seedEntry, staffIdOf } from '../helpers/insights.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const lines = (csv: string) => csv.split('\r\n').slice(0, -1)

async function shop() {
  const m = await merchantWithOwner(t)
  const join = async (name: string, email: string, marketingConsent: boolean) => {
    const res = await t.client().post('/api/join', { slug: m.slug, name, email, marketingConsent })
    expect(res.status).toBe(201)
    return res.body.card as { id: string; cardNumber: string }
  }
  const ada = await join('Ada Lovelace', 'ada@example.test', true)
  const bob = await join('=HYPERLINK("http://evil.test","Bob")', 'bob@example.test', false)
  const ownerId = await staffIdOf(t, m.merchantId, 'owner')
  return { ...m, ada, bob, ownerId }
}

describe('CSV exports', () => {
  it('write the ledger between two local dates, edges included, in merchant time and UTC', async () => {
    const s = await shop()
    const e = (cardId: string, at: string, amountMinor: number | null = 1250, reason = 'Purchase') =>
      seedEntry(t, { cardId, merchantId: s.merchantId, at, amountMinor, staffId: s.ownerId, reason })
    // Warsaw is UTC+1 in March: 1 March 00:00 local is 28 February 23:00 UTC.
    await e(s.ada.id, '2026-02-28T22:59:59.000Z') // 28 Feb 23:59:59 local: before the range
    await e(s.ada.id, '2026-02-28T23:00:00.000Z') // 1 Mar 00:00:00 local: first second of the range
    await e(s.bob.id, '2026-03-02T22:59:59.000Z', null, '-1+1') // 2 Mar 23:59:59 local: last second
    await e(s.bob.id, '2026-03-02T23:00:00.000Z') // 3 Mar 00:00 local: after
    const res = await s.owner.get('/api/merchant/exports/ledger.csv?from=2026-03-01&to=2026-03-02')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="${s.slug}-ledger-2026-03-01-to-2026-03-02.csv"`,
    )
    expect(lines(res.body)).toEqual([
      'date_local,date_utc,card_number,member,kind,points,balance_after,reason,amount,currency,staff,location',
      `2026-03-01 00:00:00,2026-02-28T23:00:00.000Z,${s.ada.cardNumber},Ada Lovelace,earn,10,20,Purchase,12.50,EUR,Owner,`,
      `2026-03-02 23:59:59,2026-03-02T22:59:59.000Z,${s.bob.cardNumber},"'=HYPERLINK(""http://evil.test"",""Bob"")",earn,10,10,'-1+1,,,Owner,`,
    ])
  })

  it('write one row per member with visits and spend, the email only with marketing consent', async () => {
    const s = await shop()
    // Two purchases on one local day (23:30 and 00:30 UTC are 00:30 and 01:30 on 5 March in Warsaw) are one visit.
    await seedEntry(t, {
      cardId: s.ada.id,
      merchantId: s.merchantId,
      at: '2026-03-04T23:30:00.000Z',
      amountMinor: 1000,
    })
    await seedEntry(t, { cardId: s.ada.id, merchantId: s.merchantId, at: '2026-03-05T00:30:00.000Z', amountMinor: 250 })
    const undone = await seedEntry(t, {
      cardId: s.ada.id,
      merchantId: s.merchantId,
      at: '2026-03-06T10:00:00.000Z',
      amountMinor: 9999,
    })
    await seedEntry(t, {
      cardId: s.ada.id,
      merchantId: s.merchantId,
      at: '2026-03-06T10:01:00.000Z',
      kind: 'reversal',
      points: -10,
      amountMinor: null,
      reverses: undone,
    })
    const res = await s.owner.get('/api/merchant/exports/members.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${s.slug}-members-2026-03-10.csv"`)
    const rows = lines(res.body)
    expect(rows[0]).toBe(
      'card_number,name,email,joined,tier,balance,visits,spend,currency,last_visit,marketing_consent,joined_at_location',
    )
    expect(rows.slice(1).sort()).toEqual(
      [
        `${s.ada.cardNumber},Ada Lovelace,ada@example.test,2026-03-10,,20,1,12.50,EUR,2026-03-05,yes,`,
        `${s.bob.cardNumber},"'=HYPERLINK(""http://evil.test"",""Bob"")",,2026-03-10,,0,0,0.00,EUR,,no,`,
      ].sort(),
    )
  })

  it('write only the members who joined between two local dates when asked, edges included', async () => {
    const m = await merchantWithOwner(t)
    const joinAt = async (at: string, name: string) => {
      t.clock.set(at)
      const res = await t.client().post('/api/join', { slug: m.slug, name, marketingConsent: false })
      expect(res.status).toBe(201)
      return res.body.card.cardNumber as string
    }
    // Warsaw is UTC+2 in April: 1 April 00:00 local is 31 March 22:00 UTC.
    await joinAt('2026-03-31T21:59:59.000Z', 'Before')
    const first = await joinAt('2026-03-31T22:00:00.000Z', 'First second')
    const last = await joinAt('2026-04-02T21:59:59.000Z', 'Last second')
    await joinAt('2026-04-02T22:00:00.000Z', 'After')
    const owner = await ownerAgain(t, m.merchantId) // weeks later: a fresh session
    const res = await owner.get('/api/merchant/exports/members.csv?from=2026-04-01&to=2026-04-02')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="${m.slug}-members-joined-2026-04-01-to-2026-04-02.csv"`,
    )
    expect(
      lines(res.body)
        .slice(1)
        .map((r) => r.split(',').slice(0, 2).join(','))
        .sort(),
    ).toEqual([`${first},First second`, `${last},Last second`].sort())
    expect(lines((await owner.get('/api/merchant/exports/members.csv')).body)).toHaveLength(5)
    const bad = async (q: string) => (await owner.get(`/api/merchant/exports/members.csv?${q}`)).body.error
    expect(await bad('from=2026-03-01')).toMatchObject({ code: 'validation_failed', details: [{ path: 'to' }] })
    expect(await bad('from=2026-03-02&to=2026-03-01')).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'to' }],
    })
  })

  it('refuse a backwards, unreal or too long range', async () => {
    const s = await shop()
    const bad = async (q: string) => (await s.owner.get(`/api/merchant/exports/ledger.csv?${q}`)).body.error
    expect(await bad('from=2026-03-02&to=2026-03-01')).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'to' }],
    })
    expect(await bad('from=2026-02-30&to=2026-03-01')).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'from' }],
    })
    expect(await bad('from=2025-01-01&to=2026-01-02')).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'to' }],
    })
    expect(await bad('from=2026-03-01')).toMatchObject({ code: 'validation_failed' })
    expect((await s.owner.get('/api/merchant/exports/ledger.csv?from=2025-01-01&to=2026-01-01')).status).toBe(200)
  })

  it('are for owners and managers, each seeing only their own merchant', async () => {
    const a = await shop()
    const b = await merchantWithOwner(t)
    const cashier = await addStaff(t, a.merchantId, 'cashier')
    const manager = await addStaff(t, a.merchantId, 'manager')
    expect((await cashier.get('/api/merchant/exports/members.csv')).status).toBe(403)
    expect((await cashier.get('/api/merchant/exports/ledger.csv?from=2026-03-01&to=2026-03-31')).status).toBe(403)
    expect((await t.client().get('/api/merchant/exports/members.csv')).status).toBe(401)
    expect(lines((await manager.get('/api/merchant/exports/members.csv')).body)).toHaveLength(3)
    await seedEntry(t, { cardId: a.ada.id, merchantId: a.merchantId, at: '2026-03-09T10:00:00.000Z' })
    expect(lines((await b.owner.get('/api/merchant/exports/members.csv')).body)).toHaveLength(1)
    expect(
      lines((await b.owner.get('/api/merchant/exports/ledger.csv?from=2026-03-01&to=2026-03-31')).body),
    ).toHaveLength(1)
    expect(
      lines((await a.owner.get('/api/merchant/exports/ledger.csv?from=2026-03-01&to=2026-03-31')).body),
    ).toHaveLength(2)
  })

  it('page through more rows than one page holds, in order, without a gap or a repeat', async () => {
    const s = await shop()
    const t0 = Date.parse('2026-03-09T08:00:00.000Z')
    // 2,100 entries, many sharing a timestamp, so the keyset must break ties by id.
    for (let i = 0; i < 2100; i++)
      await seedEntry(t, {
        cardId: s.ada.id,
        merchantId: s.merchantId,
        at: new Date(t0 + Math.floor(i / 7) * 1000).toISOString(),
        amountMinor: i,
      })
    const rows = lines(
      (await s.owner.get('/api/merchant/exports/ledger.csv?from=2026-03-09&to=2026-03-09')).body,
    ).slice(1)
    expect(rows).toHaveLength(2100)
    expect(rows.map((r) => r.split(',')[6]).map(Number)).toEqual(Array.from({ length: 2100 }, (_, i) => (i + 1) * 10))
  })
})
