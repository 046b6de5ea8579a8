import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const count = async (table: string) => ((await get(t.db, `select count(*) n from ${table}`)) as { n: number }).n

describe('joining from a signup link', () => {
  it('shows the merchant branding for the join page', async () => {
    const { slug } = await merchantWithOwner(t)
    const res = await t.client().get(`/api/merchants/${slug}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ slug, brandColor: '#123456', currency: 'EUR' })
  })

  it('creates the customer, the card and a session cookie, and the card is in the wallet', async () => {
    const { slug } = await merchantWithOwner(t)
    const c = t.client()
    const res = await c.post('/api/join', {
      slug,
      name: 'Ada',
      email: 'ada@example.test',
      birthday: '1990-04-30',
      marketingConsent: false,
    })
    expect(res.status).toBe(201)
    expect(res.body.alreadyMember).toBe(false)
    expect(res.body.card).toMatchObject({ balance: 0, memberName: 'Ada', merchant: { slug } })
    expect(res.body.card.cardNumber).toMatch(/^[0-9A-Z]{8}$/)
    expect(res.headers.get('set-cookie')).toMatch(/lw_c=.*HttpOnly.*SameSite=Lax/i)
    const wallet = await c.get('/api/me/cards')
    expect(wallet.body.cards.map((x: { id: string }) => x.id)).toEqual([res.body.card.id])
    expect(await count('customers')).toBe(1)
  })

  it('adds a second merchant as a second card in the same wallet', async () => {
    const a = await merchantWithOwner(t)
    const b = await merchantWithOwner(t)
    const { client } = await joinedCustomer(t, a.slug)
    const second = await client.post('/api/join', { slug: b.slug, name: 'Ada' })
    expect(second.status).toBe(201)
    const wallet = await client.get('/api/me/cards')
    expect(wallet.body.cards.map((x: { merchant: { slug: string } }) => x.merchant.slug)).toEqual([a.slug, b.slug])
    expect(await count('customers')).toBe(1)
  })

  it('opens the existing card when the member joins the same merchant again', async () => {
    const { slug } = await merchantWithOwner(t)
    const { client, card } = await joinedCustomer(t, slug)
    const again = await client.post('/api/join', { slug, name: 'Someone else' })
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ alreadyMember: true, card: { id: card.id, memberName: 'Ada' } })
    expect(await count('cards')).toBe(1)
  })

  it('counts members per signup link', async () => {
    const { slug, owner } = await merchantWithOwner(t)
    const link = await owner.post('/api/merchant/signup-links', { campaign: 'Window poster' })
    expect(link.status).toBe(201)
    expect(link.body.url).toBe(`http://localhost:3000/join/${slug}?via=${link.body.code}`)
    await t.client().post('/api/join', { slug, name: 'A', via: link.body.code })
    await t.client().post('/api/join', { slug, name: 'B', via: link.body.code })
    await t.client().post('/api/join', { slug, name: 'C' })
    const links = await owner.get('/api/merchant/signup-links')
    const byCampaign = Object.fromEntries(
      links.body.links.map((l: { campaign: string; joined: number }) => [l.campaign, l.joined]),
    )
    expect(byCampaign).toEqual({ 'Main link': 0, 'Window poster': 2 })
  })

  it('refuses an unknown slug with merchant_not_found and writes nothing', async () => {
    const res = await t.client().post('/api/join', { slug: 'no-such-shop', name: 'Ada' })
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('merchant_not_found')
    expect((await t.client().get('/api/merchants/no-such-shop')).status).toBe(404)
    expect(await count('customers')).toBe(0)
  })

  it.each([
    ['missing name', { name: undefined }, 'name'],
    ['empty name', { name: '   ' }, 'name'],
    ['name of the wrong type', { name: 42 }, 'name'],
    ['bad email', { email: 'not-an-email' }, 'email'],
    ['bad birthday', { birthday: '30/04/1990' }, 'birthday'],
    ['consent as text', { marketingConsent: 'yes' }, 'marketingConsent'],
    ['bad slug', { slug: '../etc' }, 'slug'],
  ])('answers 400 naming the field for %s, and writes nothing', async (_label, patch, field) => {
    const { slug } = await merchantWithOwner(t)
    const res = await t.client().post('/api/join', { slug, name: 'Ada', ...patch })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('validation_failed')
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field)
    expect(await count('customers')).toBe(0)
    expect(await count('cards')).toBe(0)
  })

  it('refuses a body that is not JSON, or too large, with a 4xx code and writes nothing', async () => {
    const { slug } = await merchantWithOwner(t)
    const c = t.client()
    const broken = await c.req('POST', '/api/join', '{"slug":', { 'content-type': 'application/json' })
    expect(broken.status).toBe(400)
    expect(broken.body.error.code).toBe('validation_failed')
    const huge = await c.post('/api/join', { slug, name: 'x'.repeat(100_000) })
    expect(huge.status).toBe(413)
    expect(huge.body.error.code).toBe('payload_too_large')
    const form = await c.req('POST', '/api/join', 'slug=x', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(form.status).toBeGreaterThanOrEqual(400)
    expect(form.status).toBeLessThan(500)
    expect(await count('customers')).toBe(0)
  })

  it("does not let one customer read another customer's card", async () => {
    const { slug } = await merchantWithOwner(t)
    const ada = await joinedCustomer(t, slug, 'Ada')
    const bob = await joinedCustomer(t, slug, 'Bob')
    const res = await bob.client.get(`/api/me/cards/${ada.card.id}`)
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('card_not_found')
    expect(JSON.stringify(res.body)).not.toContain(ada.card.totpSecret)
    expect((await t.client().get('/api/me/cards')).status).toBe(401)
  })
})
