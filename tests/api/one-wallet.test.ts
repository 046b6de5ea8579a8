import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { linkIn, startMailbox } from '../helpers/account.js'
import { idemKey, merchantWithOwner, scan } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let mailbox: Awaited<ReturnType<typeof startMailbox>>
beforeEach(async () => {
  mailbox = await startMailbox()
  t = await makeTestApp({ SMTP_URL: mailbox.url })
})
afterEach(async () => {
  await t.close()
  await mailbox.close()
})

async function twoShops() {
  const cafe = await merchantWithOwner(t, { slug: 'cafe' })
  await cafe.owner.req('PUT', '/api/merchant/branding', {
    name: 'Café Rose',
    brandColor: '#7c3aed',
    accentColor: '#fde68a',
  })
  const salon = await merchantWithOwner(t, { slug: 'salon' })
  await salon.owner.req('PUT', '/api/merchant/branding', {
    name: 'Salon Lena',
    brandColor: '#0f766e',
    accentColor: '#ffffff',
  })
  return { cafe, salon }
}

const award = async (t: TestApp, owner: Awaited<ReturnType<typeof merchantWithOwner>>['owner'], card: any) => {
  const handle = await scan(t, owner, card)
  expect(
    (await owner.post('/api/staff/earn', { handle, amountMinor: 1000 }, { 'idempotency-key': idemKey() })).status,
  ).toBe(201)
}

describe('one wallet across shops', () => {
  it('holds one card per business, each in its own brand, the card used last first', async () => {
    const { cafe, salon } = await twoShops()
    const phone = t.client()
    const a = await phone.post('/api/join', { slug: 'cafe', name: 'Ada', email: 'ada@example.test' })
    t.clock.advance(60_000)
    const b = await phone.post('/api/join', { slug: 'salon', name: 'Ada' })
    expect(b.status).toBe(201)
    let cards = (await phone.get('/api/me/cards')).body.cards
    expect(cards.map((c: any) => [c.merchant.name, c.merchant.brandColor])).toEqual([
      ['Salon Lena', '#0f766e'],
      ['Café Rose', '#7c3aed'],
    ])
    t.clock.advance(60_000)
    await award(t, cafe.owner, a.body.card)
    cards = (await phone.get('/api/me/cards')).body.cards
    expect(cards.map((c: any) => c.merchant.slug)).toEqual(['cafe', 'salon'])
    expect(cards[0].lastUsedAt > cards[1].lastUsedAt).toBe(true)
    t.clock.advance(60_000)
    await award(t, salon.owner, b.body.card)
    expect((await phone.get('/api/me/cards')).body.cards.map((c: any) => c.merchant.slug)).toEqual(['salon', 'cafe'])
  })

  it('comes back whole on a new device, even when the shops were joined from two phones', async () => {
    const { cafe } = await twoShops()
    // Ada joined the café on her phone and the salon on her tablet, with the same address.
    const phone = t.client()
    const tablet = t.client()
    const a = await phone.post('/api/join', { slug: 'cafe', name: 'Ada', email: 'ada@example.test' })
    await award(t, cafe.owner, a.body.card)
    const b = await tablet.post('/api/join', { slug: 'salon', name: 'Ada', email: 'ada@example.test' })
    expect(b.status).toBe(201)

    const laptop = t.client()
    await laptop.post('/api/auth/email-link', { email: 'ada@example.test', locale: 'en' })
    const { token } = linkIn(await mailbox.waitFor(1))
    expect((await laptop.post('/api/auth/email-link/confirm', { token })).status).toBe(200)
    const cards = (await laptop.get('/api/me/cards')).body.cards
    expect(cards.map((c: any) => c.merchant.slug).sort()).toEqual(['cafe', 'salon'])
    expect(cards.find((c: any) => c.merchant.slug === 'cafe').balance).toBe(10)
    // One customer holds both now; the tablet, which proved nothing, was signed out of the salon card.
    const owners = await t.db
      .selectFrom('cards')
      .select('customer_id')
      .where('closed_at', 'is', null)
      .distinct()
      .execute()
    expect(owners).toHaveLength(1)
    expect((await tablet.get('/api/me/cards')).status).toBe(401)
  })
})
