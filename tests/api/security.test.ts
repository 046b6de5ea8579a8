import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addStaff, joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, SETUP_TOKEN, type TestApp } from '../helpers/test-app.js'
import { get } from '../helpers/db.js'

let t: TestApp
afterEach(() => t.close())

describe('server basics', () => {
  beforeEach(async () => {
    t = await makeTestApp()
  })

  it('answers health', async () => {
    const res = await t.client().get('/api/health')
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } })
  })

  it('serves an OpenAPI 3.1 document naming every route with its schemas', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body
    expect(doc.openapi).toMatch(/^3\./)
    const paths = Object.keys(doc.paths)
    for (const p of [
      '/health',
      '/join',
      '/me/cards',
      '/me/cards/{id}',
      '/merchants/{slug}',
      '/staff/login',
      '/staff/scan',
      '/staff/earn',
      '/staff/adjust',
      '/staff/undo',
      '/merchant/api-keys',
      '/merchant/signup-links',
      '/pos/v1/earn',
      '/setup',
    ]) {
      expect(paths).toContain(p)
    }
    expect(doc.paths['/staff/earn'].post.parameters.map((p: { name: string }) => p.name)).toContain('idempotency-key')
    expect(doc.components.schemas.WalletCard).toBeDefined()
  })

  it('never lets the SPA fallback swallow an unknown /api path', async () => {
    const res = await t.client().get('/api/does-not-exist')
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('not_found')
    const post = await t.client().post('/api/does-not-exist', {})
    expect(post.status).toBe(404)
  })
})

describe('first-run setup', () => {
  beforeEach(async () => {
    t = await makeTestApp()
  })
  const form = {
    token: SETUP_TOKEN,
    merchantName: 'Corner Café',
    slug: 'corner',
    currency: 'PLN',
    timezone: 'Europe/Warsaw',
    brandColor: '#aa3300',
    ownerName: 'Olga',
    ownerEmail: 'Olga@Corner.test',
    ownerPassword: 'a long enough password',
  }

  it('creates the merchant and its signed-in owner once, with the printed token only', async () => {
    const c = t.client()
    expect((await c.get('/api/setup')).body).toEqual({ needed: true })
    const wrong = await c.post('/api/setup', { ...form, token: 'guess' })
    expect(wrong.status).toBe(403)
    expect(wrong.body.error.code).toBe('setup_token_invalid')
    const ok = await c.post('/api/setup', form)
    expect(ok.status).toBe(201)
    expect(ok.body).toMatchObject({
      role: 'owner',
      email: 'olga@corner.test',
      merchant: { slug: 'corner', currency: 'PLN' },
    })
    expect((await c.get('/api/staff/me')).status).toBe(200)
    const hash = ((await get(t.db, 'select password_hash h from staff')) as { h: string }).h
    expect(hash).toMatch(/^\$argon2id\$/)
    const again = await t.client().post('/api/setup', { ...form, slug: 'other', ownerEmail: 'x@y.test' })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('setup_done')
  })

  it('explains a short password', async () => {
    const res = await t.client().post('/api/setup', { ...form, ownerPassword: 'short' })
    expect(res.status).toBe(400)
    expect(res.body.error.message).toMatch(/ownerPassword: at least 10 characters/)
  })
})

describe('staff sessions and roles', () => {
  beforeEach(async () => {
    t = await makeTestApp({ RATE_LIMIT_LOGIN_PER_MIN: '5' })
  })

  it('gives the same answer for a wrong password and an unknown email, then throttles the account', async () => {
    const { merchantId } = await merchantWithOwner(t)
    await addStaff(t, merchantId, 'cashier')
    const c = t.client()
    const wrong = await c.post('/api/staff/login', { email: 'owner-1@shop-1.test', password: 'nope' })
    const unknown = await c.post('/api/staff/login', { email: 'nobody@x.test', password: 'nope' })
    expect(wrong.status).toBe(401)
    expect(unknown.body).toEqual(wrong.body)
    let last = unknown
    for (let i = 0; i < 5; i++) last = await c.post('/api/staff/login', { email: 'nobody@x.test', password: 'nope' })
    expect(last.status).toBe(429)
    expect(last.body.error.code).toBe('login_throttled')
  })

  it('keeps each merchant to its own console and lets only the owner manage API keys', async () => {
    const a = await merchantWithOwner(t)
    const cashier = await addStaff(t, a.merchantId, 'cashier')
    expect((await cashier.get('/api/merchant/api-keys')).status).toBe(403)
    expect((await cashier.post('/api/merchant/api-keys', { name: 'Till' })).status).toBe(403)
    const created = await a.owner.post('/api/merchant/api-keys', { name: 'Till' })
    expect(created.status).toBe(201)
    const b = await merchantWithOwner(t)
    expect((await b.owner.get('/api/merchant/api-keys')).body.keys).toEqual([])
    expect((await b.owner.delete(`/api/merchant/api-keys/${created.body.id}`)).status).toBe(404)
  })

  it('refuses a cross-site unsafe request even with a valid session', async () => {
    const { owner } = await merchantWithOwner(t)
    const res = await owner.post('/api/merchant/api-keys', { name: 'Evil' }, { origin: 'https://evil.example' })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('origin_mismatch')
    expect(((await get(t.db, 'select count(*) n from api_keys')) as { n: number }).n).toBe(0)
  })

  it('ends the session on logout', async () => {
    const { owner } = await merchantWithOwner(t)
    expect((await owner.post('/api/staff/logout')).status).toBe(204)
    expect((await owner.get('/api/staff/me')).status).toBe(401)
  })

  it('keeps customer and staff sessions apart', async () => {
    const { slug } = await merchantWithOwner(t)
    const { client } = await joinedCustomer(t, slug)
    expect((await client.get('/api/staff/me')).status).toBe(401)
  })
})
