import fs from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { marketingAudience } from '../../server/db/queries/account.js'
import { MEMBER_TABLES } from '../../server/db/queries/member-data.js'
import { addPasskey, databaseBytes, earn, passkeySignIn, unbalancedCards } from '../helpers/account.js'
import { currentCode, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { addDevice } from '../helpers/push.js'
import { sendDueOffers } from '../../server/services/push/automations.js'
import { all, get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const NAME = 'Zofia Quartzmeyer'
const EMAIL = 'zofia.quartz@example.test'
const OTHER_NAME = 'Bartholomew Otherperson'
const WORDING = 'Send me offers and news from the shop. You can turn this off at any time.'

/** A member with two cards (one merged in from a second phone), points, a passkey, consent and devices; and another member. */
async function world() {
  const cafe = await merchantWithOwner(t)
  const bakery = await merchantWithOwner(t)
  const zofia = t.client()
  const card = (
    await zofia.post('/api/join', {
      slug: cafe.slug,
      name: NAME,
      email: EMAIL,
      birthday: '1991-02-03',
      marketingConsent: true,
      consentWording: WORDING,
    })
  ).body.card
  await earn(t, cafe.owner, card, 1500)
  const { authenticator } = await addPasskey(zofia)
  const phone2 = t.client()
  const card2 = (await phone2.post('/api/join', { slug: cafe.slug, name: NAME })).body.card
  await phone2.post('/api/join', { slug: bakery.slug, name: NAME })
  await earn(t, cafe.owner, card2, 200)
  await passkeySignIn(phone2, authenticator)

  const other = t.client()
  const otherCard = (
    await other.post('/api/join', {
      slug: cafe.slug,
      name: OTHER_NAME,
      email: 'bart@example.test',
      marketingConsent: true,
    })
  ).body.card
  await earn(t, cafe.owner, otherCard, 400)
  await addPasskey(other)
  // A push device, and an offer whose text carries the member's name.
  await addDevice(zofia)
  expect(
    (
      await cafe.owner.post('/api/merchant/push/offers', {
        title: 'Hello {name}',
        body: 'A treat this week',
        segment: 'all',
      })
    ).status,
  ).toBe(201)
  await sendDueOffers(t.deps)
  return { cafe, bakery, zofia, phone2, card, card2, other, otherCard, authenticator }
}

const customerIdOf = async (client: ReturnType<TestApp['client']>) =>
  (await client.get('/api/me/export')).body.customerId as string

describe('download my data', () => {
  it("contains every member table's rows for the member and nothing of another member", async () => {
    const w = await world()
    const res = await w.zofia.get('/api/me/export')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="loyalty-wallet-my-data-\d{4}-\d{2}-\d{2}\.json"$/,
    )
    const data = res.body as { customerId: string; tables: Record<string, Record<string, unknown>[]> }
    const me = data.customerId
    const merged = ((await all(t.db, 'select id from customers where merged_into_id = ?', me)) as { id: string }[]).map(
      (r) => r.id,
    )
    const customerIds = [me, ...merged]
    const cardIds = (
      (await all(
        t.db,
        `select id from cards where customer_id in (${customerIds.map(() => '?').join(',')})`,
        ...customerIds,
      )) as { id: string }[]
    ).map((r) => r.id)
    expect(cardIds).toHaveLength(3) // café, merged-away café card, bakery

    for (const table of MEMBER_TABLES) {
      const ids = table.via === 'customer' ? customerIds : cardIds
      const expected = (await all(
        t.db,
        `select * from ${table.table} where ${table.column} in (${ids.map(() => '?').join(',')})`,
        ...ids,
      )) as Record<string, unknown>[]
      const got = data.tables[table.table] ?? []
      const firstColumn = (rows: Record<string, unknown>[]) => rows.map((r) => String(r[Object.keys(r)[0]!])).sort()
      expect(firstColumn(got), table.table).toEqual(firstColumn(expected))
      for (const col of table.omit ?? [])
        expect(
          got.every((r) => !(col in r)),
          `${table.table}.${col} left out`,
        ).toBe(true)
    }
    expect(data.tables.customers![0]).toMatchObject({ name: NAME, email: EMAIL, birthday: '1991-02-03' })
    expect(data.tables.ledger_entries!.length).toBeGreaterThanOrEqual(4)
    expect(data.tables.passkeys).toHaveLength(1)
    expect(data.tables.consent_events).toMatchObject([{ granted: 1, wording: WORDING, source: 'join' }])
    expect(data.tables.sessions).toHaveLength(2)

    const text = JSON.stringify(data)
    const otherId = await customerIdOf(w.other)
    for (const secret of [otherId, OTHER_NAME, 'bart@example.test', w.otherCard.id, w.otherCard.cardNumber]) {
      expect(text).not.toContain(secret)
    }
  })
})

describe('delete my account', () => {
  it("erases the member's personal data from the database file and leaves balanced, anonymous books", async () => {
    const w = await world()
    const me = await customerIdOf(w.zofia)
    const before = await databaseBytes(t, fs)
    expect(before.includes(Buffer.from(NAME))).toBe(true)
    expect(before.includes(Buffer.from(EMAIL))).toBe(true)
    const ledgerRows = ((await get(t.db, 'select count(*) n from ledger_entries')) as { n: number }).n

    const refused = await w.zofia.post('/api/me/delete', {})
    expect(refused.status).toBe(400)
    const res = await w.zofia.post('/api/me/delete', { confirm: true })
    expect(res.status).toBe(200)
    expect((await w.zofia.get('/api/me/cards')).status).toBe(401)
    expect((await w.phone2.get('/api/me/cards')).status).toBe(401)

    const after = await databaseBytes(t, fs)
    expect(after.includes(Buffer.from(NAME))).toBe(false)
    expect(after.includes(Buffer.from(EMAIL))).toBe(false)
    expect(after.includes(Buffer.from('1991-02-03'))).toBe(false)
    expect(after.includes(Buffer.from(OTHER_NAME))).toBe(true) // the search finds what is still there

    // Passkeys and sessions are gone; cards and ledgers stay, closed and balanced.
    expect(await get(t.db, 'select count(*) n from passkeys p where p.customer_id = ?', me)).toEqual({ n: 0 })
    expect(await get(t.db, 'select count(*) n from sessions where customer_id = ?', me)).toEqual({ n: 0 })
    expect(((await get(t.db, 'select count(*) n from ledger_entries')) as { n: number }).n).toBe(ledgerRows)
    expect(await unbalancedCards(t)).toEqual([])
    const cards = (await all(t.db, 'select closed_at, marketing_consent from cards where customer_id = ?', me)) as {
      closed_at: string | null
      marketing_consent: number
    }[]
    expect(cards.length).toBeGreaterThan(0)
    expect(cards.every((c) => c.closed_at !== null && c.marketing_consent === 0)).toBe(true)
    expect(
      await get(
        t.db,
        'select granted, source from consent_events where customer_id = ? order by created_at desc limit 1',
        me,
      ),
    ).toEqual({ granted: 0, source: 'account_deleted' })

    // The other member is untouched and can still use their wallet.
    expect((await w.other.get('/api/me/cards')).body.cards).toMatchObject([{ id: w.otherCard.id, balance: 4 }])
    // The passkey of the deleted account signs in nowhere.
    const again = await passkeySignIn(t.client(), w.authenticator)
    expect(again.status).toBe(401)
    expect(again.body.error.code).toBe('passkey_unknown')
  })
})

describe('marketing consent', () => {
  it('logs consent at join and from settings with time and wording; merchants see it and marketing skips those without it', async () => {
    const w = await world()
    const list = await w.zofia.get('/api/me/consents')
    expect(list.body.consents).toHaveLength(2)
    const cafeConsent = list.body.consents.find((c: { slug: string }) => c.slug === w.cafe.slug)
    expect(cafeConsent).toMatchObject({ cardId: w.card.id, granted: true })

    let audience = await marketingAudience(t.db, w.cafe.merchantId)
    expect(audience.map((a) => a.card_id).sort()).toEqual([w.card.id, w.otherCard.id].sort())

    t.clock.advance(60_000)
    const withdrawn = await w.zofia.req('PUT', `/api/me/cards/${w.card.id}/consent`, {
      granted: false,
      wording: 'Stop sending me offers.',
    })
    expect(withdrawn.status).toBe(200)
    expect(withdrawn.body.consents.find((c: { slug: string }) => c.slug === w.cafe.slug)).toMatchObject({
      granted: false,
      changedAt: t.clock.now().toISOString(),
    })
    const log = await all(
      t.db,
      'select granted, wording, source, created_at from consent_events where card_id = ? order by created_at',
      w.card.id,
    )
    expect(log).toEqual([
      { granted: 1, wording: WORDING, source: 'join', created_at: expect.any(String) },
      { granted: 0, wording: 'Stop sending me offers.', source: 'settings', created_at: t.clock.now().toISOString() },
    ])
    audience = await marketingAudience(t.db, w.cafe.merchantId)
    expect(audience.map((a) => a.card_id)).toEqual([w.otherCard.id])

    const scan = await w.cafe.owner.post('/api/staff/scan', { code: currentCode(t, w.card) })
    expect(scan.body.card).toMatchObject({ cardId: w.card.id, marketingConsent: false })

    const stranger = await w.other.req('PUT', `/api/me/cards/${w.card.id}/consent`, { granted: true, wording: 'x' })
    expect(stranger.status).toBe(404)
  })
})
