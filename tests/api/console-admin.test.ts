import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addStaff, idemKey, joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'
import { get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const PASSWORD = 'correct horse battery'

/** The TestClient speaks JSON; uploads send raw bytes with the same session cookie. */
async function signedInCookie(email: string): Promise<string> {
  const res = await t.app.request('http://localhost:3000/api/staff/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  })
  expect(res.status).toBe(200)
  return res.headers.getSetCookie()[0]!.split(';')[0]!
}
async function upload(cookie: string, bytes: Uint8Array, type = 'image/png') {
  const res = await t.app.request('http://localhost:3000/api/merchant/branding/logo', {
    method: 'POST',
    headers: { cookie, 'content-type': type, 'content-length': String(bytes.length) },
    body: bytes,
  })
  return { status: res.status, body: (await res.json()) as any }
}
const ownerEmail = async (merchantId: string) =>
  (
    (await get(t.db, "select email from staff where merchant_id = ? and role = 'owner'", merchantId)) as {
      email: string
    }
  ).email

const redPng = (w = 600, h = 400) =>
  sharp({ create: { width: w, height: h, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 1 } } })
    .png()
    .toBuffer()

async function balanceEqualsLedger(cardId: string) {
  const row = (await get(
    t.db,
    'select c.balance, coalesce(sum(e.points),0) total from cards c left join ledger_entries e on e.card_id = c.id where c.id = ? group by c.id',
    cardId,
  )) as { balance: number; total: number }
  expect(row.balance).toBe(row.total)
  return row.balance
}

describe('branding', () => {
  it('lets the owner and a manager change the name and colours, which the public merchant page then shows', async () => {
    const m = await merchantWithOwner(t)
    const manager = await addStaff(t, m.merchantId, 'manager')
    const res = await m.owner.req('PUT', '/api/merchant/branding', {
      name: 'Café Róża',
      brandColor: '#FFD700',
      accentColor: '#1a1a1a',
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ name: 'Café Róża', brandColor: '#ffd700', accentColor: '#1a1a1a', logoUrl: null })
    expect(
      (
        await manager.req('PUT', '/api/merchant/branding', {
          name: 'Café',
          brandColor: '#004488',
          accentColor: '#ffffff',
        })
      ).status,
    ).toBe(200)
    const pub = await t.client().get(`/api/merchants/${m.slug}`)
    expect(pub.body).toMatchObject({ name: 'Café', brandColor: '#004488' })
  })

  it('refuses a cashier and a colour that is not #rrggbb', async () => {
    const m = await merchantWithOwner(t)
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const res = await cashier.req('PUT', '/api/merchant/branding', {
      name: 'X',
      brandColor: '#000000',
      accentColor: '#ffffff',
    })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('forbidden')
    const bad = await m.owner.req('PUT', '/api/merchant/branding', {
      name: 'X',
      brandColor: 'red',
      accentColor: '#ffffff',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0].path).toBe('brandColor')
  })
})

describe('logo upload', () => {
  it('stores a PNG resized to 256x256 WebP without metadata and serves it from a versioned, cacheable URL', async () => {
    const m = await merchantWithOwner(t)
    const cookie = await signedInCookie(await ownerEmail(m.merchantId))
    const withExif = await sharp(await redPng())
      .withMetadata({ exif: { IFD0: { Copyright: 'secret-gps-here' } } })
      .jpeg()
      .toBuffer()
    const res = await upload(cookie, withExif, 'image/jpeg')
    expect(res.status).toBe(200)
    expect(res.body.logoUrl).toBe(`/api/merchants/${m.slug}/logo?v=1`)

    const img = await t.app.request(`http://localhost:3000${res.body.logoUrl}`)
    expect(img.status).toBe(200)
    expect(img.headers.get('content-type')).toBe('image/webp')
    expect(img.headers.get('cache-control')).toMatch(/max-age=31536000/)
    const bytes = Buffer.from(await img.arrayBuffer())
    const meta = await sharp(bytes).metadata()
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 })
    expect(meta.exif).toBeUndefined()
    expect(bytes.includes(Buffer.from('secret-gps-here'))).toBe(false)

    const second = await upload(cookie, await redPng(64, 64))
    expect(second.body.logoUrl).toBe(`/api/merchants/${m.slug}/logo?v=2`)
    const stale = await t.app.request(`http://localhost:3000/api/merchants/${m.slug}/logo?v=1`)
    expect(stale.headers.get('cache-control')).toBe('no-cache')
    const pub = await t.client().get(`/api/merchants/${m.slug}`)
    expect(pub.body.logoUrl).toBe(second.body.logoUrl)
  })

  it('accepts WebP and takes the type from the bytes, not the Content-Type', async () => {
    const m = await merchantWithOwner(t)
    const cookie = await signedInCookie(await ownerEmail(m.merchantId))
    const webp = await sharp(await redPng())
      .webp()
      .toBuffer()
    expect((await upload(cookie, webp, 'application/octet-stream')).status).toBe(200)
  })

  it('refuses a file that is not an image', async () => {
    const m = await merchantWithOwner(t)
    const cookie = await signedInCookie(await ownerEmail(m.merchantId))
    const res = await upload(
      cookie,
      new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
      'image/png',
    )
    expect(res.status).toBe(415)
    expect(res.body.error.code).toBe('unsupported_image')
    expect(await get(t.db, 'select count(*) n from merchant_logos')).toEqual({ n: 0 })
  })

  it('refuses a fake PNG header followed by garbage', async () => {
    const m = await merchantWithOwner(t)
    const cookie = await signedInCookie(await ownerEmail(m.merchantId))
    const fake = new Uint8Array([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...new TextEncoder().encode('not really a png at all'),
    ])
    const res = await upload(cookie, fake)
    expect(res.status).toBe(415)
    expect(res.body.error.code).toBe('unsupported_image')
    expect((await t.client().get(`/api/merchants/${m.slug}`)).body.logoUrl).toBeNull()
  })

  it('refuses a file over 2 MB', async () => {
    const m = await merchantWithOwner(t)
    const cookie = await signedInCookie(await ownerEmail(m.merchantId))
    const big = new Uint8Array(2 * 1024 * 1024 + 1)
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const res = await upload(cookie, big)
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('payload_too_large')
  })

  it('keeps the 32 kB limit on JSON routes', async () => {
    const m = await merchantWithOwner(t)
    const res = await m.owner.req('PUT', '/api/merchant/branding', {
      name: 'x'.repeat(40_000),
      brandColor: '#000000',
      accentColor: '#ffffff',
    })
    expect(res.status).toBe(413)
  })

  it('refuses a cashier upload and lets the owner remove the logo', async () => {
    const m = await merchantWithOwner(t)
    await addStaff(t, m.merchantId, 'cashier')
    const cashierEmail = ((await get(t.db, "select email from staff where role = 'cashier'")) as { email: string })
      .email
    expect((await upload(await signedInCookie(cashierEmail), await redPng())).status).toBe(403)
    const cookie = await signedInCookie(await ownerEmail(m.merchantId))
    expect((await upload(cookie, await redPng())).status).toBe(200)
    const del = await m.owner.delete('/api/merchant/branding/logo')
    expect(del.body.logoUrl).toBeNull()
    expect((await t.client().get(`/api/merchants/${m.slug}/logo?v=1`)).status).toBe(404)
  })
})

describe('signup link QR downloads', () => {
  it('gives the link as a PNG and an SVG QR, and only for this merchant', async () => {
    const a = await merchantWithOwner(t)
    const b = await merchantWithOwner(t)
    const link = (await a.owner.post('/api/merchant/signup-links', { campaign: 'Window poster' })).body
    const png = await t.app.request(`http://localhost:3000/api/merchant/signup-links/${link.id}/qr?format=png`, {
      headers: { cookie: await signedInCookie(await ownerEmail(a.merchantId)) },
    })
    expect(png.status).toBe(200)
    expect(png.headers.get('content-disposition')).toBe('attachment; filename="qr-window-poster.png"')
    expect(await sharp(Buffer.from(await png.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 1024 })
    const svg = await a.owner.get(`/api/merchant/signup-links/${link.id}/qr?format=svg`)
    expect(svg.status).toBe(200)
    expect(svg.headers.get('content-type')).toBe('image/svg+xml')
    expect(String(svg.body)).toMatch(/^<svg[^>]*viewBox/)
    expect((await b.owner.get(`/api/merchant/signup-links/${link.id}/qr?format=svg`)).status).toBe(404)
  })
})

describe('staff', () => {
  async function invite(
    owner: TestClient,
    role: 'owner' | 'manager' | 'cashier' = 'cashier',
    email = 'new@staff.test',
  ) {
    const res = await owner.post('/api/merchant/staff', { email, name: 'Nowy', role })
    expect(res.status).toBe(201)
    return { ...res.body, token: new URL(res.body.inviteUrl).searchParams.get('token')! }
  }

  it('invites a member who sets a password through the one-time link and is then signed in', async () => {
    const m = await merchantWithOwner(t)
    const inv = await invite(m.owner)
    expect(inv.inviteUrl).toMatch(/^http:\/\/localhost:3000\/staff\/invite\?token=/)
    expect(inv.member).toMatchObject({ status: 'invited', role: 'cashier', email: 'new@staff.test' })
    // Only the hash is stored.
    expect(await get(t.db, 'select count(*) n from staff_invites where token_hash = ?', inv.token)).toEqual({
      n: 0,
    })
    // Before accepting, the account cannot sign in with anything.
    expect((await t.client().post('/api/staff/login', { email: 'new@staff.test', password: '!invited' })).status).toBe(
      401,
    )

    const c = t.client()
    expect((await c.post('/api/staff/invite/info', { token: inv.token })).body).toMatchObject({
      name: 'Nowy',
      role: 'cashier',
    })
    const accepted = await c.post('/api/staff/invite/accept', { token: inv.token, password: 'a good long password' })
    expect(accepted.status).toBe(200)
    expect(accepted.body).toMatchObject({ email: 'new@staff.test', role: 'cashier' })
    expect((await c.get('/api/staff/me')).status).toBe(200)
    expect(
      (await t.client().post('/api/staff/login', { email: 'new@staff.test', password: 'a good long password' })).status,
    ).toBe(200)

    const again = await t
      .client()
      .post('/api/staff/invite/accept', { token: inv.token, password: 'another long password' })
    expect(again.status).toBe(410)
    expect(again.body.error.code).toBe('invite_invalid')
    const list = await m.owner.get('/api/merchant/staff')
    expect(list.body.staff.find((s: { email: string }) => s.email === 'new@staff.test').status).toBe('active')
  })

  it('refuses an expired invitation', async () => {
    const m = await merchantWithOwner(t)
    const inv = await invite(m.owner)
    t.clock.advance(8 * 86_400_000)
    const res = await t
      .client()
      .post('/api/staff/invite/accept', { token: inv.token, password: 'a good long password' })
    expect(res.status).toBe(410)
  })

  it('gives a new link for an unaccepted invitation, and the old link stops working', async () => {
    const m = await merchantWithOwner(t)
    const first = await invite(m.owner)
    t.clock.advance(3_600_000)
    const again = await m.owner.post(`/api/merchant/staff/${first.member.id}/invite`)
    expect(again.status).toBe(201)
    expect(again.body.member.status).toBe('invited')
    const token = new URL(again.body.inviteUrl).searchParams.get('token')!
    expect(token).not.toBe(first.token)
    expect(
      (await t.client().post('/api/staff/invite/accept', { token: first.token, password: 'a good long password' }))
        .status,
    ).toBe(410)
    expect(
      (await t.client().post('/api/staff/invite/accept', { token, password: 'a good long password' })).status,
    ).toBe(200)
    const afterAccept = await m.owner.post(`/api/merchant/staff/${first.member.id}/invite`)
    expect(afterAccept.status).toBe(409)
    expect(afterAccept.body.error.code).toBe('already_accepted')
  })

  it('refuses an email that already has a staff account', async () => {
    const m = await merchantWithOwner(t)
    const res = await m.owner.post('/api/merchant/staff', {
      email: await ownerEmail(m.merchantId),
      name: 'Dup',
      role: 'cashier',
    })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('email_taken')
  })

  it('lets a manager see the staff list but not invite or change anyone; a cashier sees nothing', async () => {
    const m = await merchantWithOwner(t)
    const manager = await addStaff(t, m.merchantId, 'manager')
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const list = await manager.get('/api/merchant/staff')
    expect(list.status).toBe(200)
    expect(list.body.staff).toHaveLength(3)
    expect((await manager.post('/api/merchant/staff', { email: 'x@y.test', name: 'X', role: 'cashier' })).status).toBe(
      403,
    )
    expect((await cashier.post('/api/merchant/staff', { email: 'x@y.test', name: 'X', role: 'cashier' })).status).toBe(
      403,
    )
    expect((await cashier.get('/api/merchant/staff')).status).toBe(403)
    const cashierRow = list.body.staff.find((s: { role: string }) => s.role === 'cashier')
    expect((await manager.req('PATCH', `/api/merchant/staff/${cashierRow.id}`, { role: 'manager' })).status).toBe(403)
  })

  it('changes a role, and the new role applies to the open session at once', async () => {
    const m = await merchantWithOwner(t)
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const id = (await cashier.get('/api/staff/me')).body.id
    expect((await cashier.get('/api/merchant/signup-links')).status).toBe(403)
    const res = await m.owner.req('PATCH', `/api/merchant/staff/${id}`, { role: 'manager' })
    expect(res.status).toBe(200)
    expect(res.body.role).toBe('manager')
    expect((await cashier.get('/api/merchant/signup-links')).status).toBe(200)
  })

  it('deactivates a member: their sessions end and they cannot sign in again', async () => {
    const m = await merchantWithOwner(t)
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const me = (await cashier.get('/api/staff/me')).body
    const res = await m.owner.req('PATCH', `/api/merchant/staff/${me.id}`, { active: false })
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('deactivated')
    expect((await cashier.get('/api/staff/me')).status).toBe(401)
    expect(await get(t.db, 'select count(*) n from sessions where staff_id = ?', me.id)).toEqual({ n: 0 })
    const login = await t.client().post('/api/staff/login', { email: me.email, password: PASSWORD })
    expect(login.status).toBe(401)
    expect(login.body.error.code).toBe('invalid_credentials')
  })

  it('never demotes or deactivates the last active owner, but allows it once there is another', async () => {
    const m = await merchantWithOwner(t)
    const ownerId = (await m.owner.get('/api/staff/me')).body.id
    for (const body of [{ role: 'manager' }, { active: false }]) {
      const res = await m.owner.req('PATCH', `/api/merchant/staff/${ownerId}`, body)
      expect(res.status).toBe(409)
      expect(res.body.error.code).toBe('last_owner')
    }
    const manager = await addStaff(t, m.merchantId, 'manager')
    const managerId = (await manager.get('/api/staff/me')).body.id
    expect((await m.owner.req('PATCH', `/api/merchant/staff/${managerId}`, { role: 'owner' })).status).toBe(200)
    expect((await m.owner.req('PATCH', `/api/merchant/staff/${ownerId}`, { role: 'manager' })).status).toBe(200)
  })

  it("does not let an owner touch another merchant's staff", async () => {
    const a = await merchantWithOwner(t)
    const b = await merchantWithOwner(t)
    const bOwnerId = (await b.owner.get('/api/staff/me')).body.id
    const res = await a.owner.req('PATCH', `/api/merchant/staff/${bOwnerId}`, { active: false })
    expect(res.status).toBe(404)
    expect((await a.owner.get('/api/merchant/staff')).body.staff).toHaveLength(1)
  })
})

describe('customers', () => {
  async function withMembers() {
    const m = await merchantWithOwner(t)
    const ada = await joinedCustomer(t, m.slug, 'Ada Lovelace')
    await t.client().post('/api/join', { slug: m.slug, name: 'Grace Hopper', email: 'grace@navy.test' })
    await t.client().post('/api/join', { slug: m.slug, name: 'Alan 100%_Turing' })
    return { ...m, ada }
  }

  it('finds members by part of the name (any case), by email and by card number or its start, paginated', async () => {
    const m = await withMembers()
    const byName = await m.owner.get('/api/merchant/customers?q=LOVE')
    expect(byName.body.customers.map((c: { name: string }) => c.name)).toEqual(['Ada Lovelace'])
    const byEmail = await m.owner.get('/api/merchant/customers?q=navy.test')
    expect(byEmail.body.customers.map((c: { name: string }) => c.name)).toEqual(['Grace Hopper'])
    const number = m.ada.card.cardNumber
    const byNumber = await m.owner.get(
      `/api/merchant/customers?q=${number.slice(0, 4).toLowerCase()}-${number.slice(4).toLowerCase()}`,
    )
    expect(byNumber.body.customers.map((c: { cardId: string }) => c.cardId)).toEqual([m.ada.card.id])
    const byPrefix = await m.owner.get(`/api/merchant/customers?q=${number.slice(0, 6).toLowerCase()}`)
    expect(byPrefix.body.customers.map((c: { cardId: string }) => c.cardId)).toContain(m.ada.card.id)
    // % and _ are literal characters, not wildcards.
    const literal = await m.owner.get(`/api/merchant/customers?q=${encodeURIComponent('100%_')}`)
    expect(literal.body.customers.map((c: { name: string }) => c.name)).toEqual(['Alan 100%_Turing'])
    expect((await m.owner.get(`/api/merchant/customers?q=${encodeURIComponent('a%e')}`)).body.total).toBe(0)

    const page1 = await m.owner.get('/api/merchant/customers?limit=2')
    expect(page1.body).toMatchObject({ total: 3, limit: 2, offset: 0 })
    expect(page1.body.customers.map((c: { name: string }) => c.name)).toEqual(['Ada Lovelace', 'Alan 100%_Turing'])
    const page2 = await m.owner.get('/api/merchant/customers?limit=2&offset=2')
    expect(page2.body.customers.map((c: { name: string }) => c.name)).toEqual(['Grace Hopper'])
  })

  it('lets a cashier search and open a card (read-only)', async () => {
    const m = await withMembers()
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    expect((await cashier.get('/api/merchant/customers?q=ada')).body.total).toBe(1)
    expect((await cashier.get(`/api/merchant/customers/${m.ada.card.id}`)).status).toBe(200)
  })

  it("does not show merchant A's customers to merchant B", async () => {
    const a = await withMembers()
    const b = await merchantWithOwner(t)
    const list = await b.owner.get('/api/merchant/customers?q=ada')
    expect(list.body).toMatchObject({ total: 0, customers: [] })
    const detail = await b.owner.get(`/api/merchant/customers/${a.ada.card.id}`)
    expect(detail.status).toBe(404)
    expect(detail.body.error.code).toBe('card_not_found')
    const adjust = await b.owner.post(
      `/api/merchant/customers/${a.ada.card.id}/adjust`,
      { points: 10, reason: 'sneaky' },
      { 'idempotency-key': idemKey() },
    )
    expect(adjust.status).toBe(404)
    expect(await balanceEqualsLedger(a.ada.card.id)).toBe(0)
  })

  it('adjusts by hand with a reason: the history shows it with the balance after, and a replay posts once', async () => {
    const m = await withMembers()
    const key = idemKey()
    const url = `/api/merchant/customers/${m.ada.card.id}/adjust`
    const res = await m.owner.post(url, { points: 50, reason: 'Welcome back gift' }, { 'idempotency-key': key })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      balance: 50,
      entry: { kind: 'adjust', points: 50, reason: 'Welcome back gift', balanceAfter: 50 },
    })
    expect(
      (await m.owner.post(url, { points: 50, reason: 'Welcome back gift' }, { 'idempotency-key': key })).body,
    ).toEqual(res.body)
    const manager = await addStaff(t, m.merchantId, 'manager')
    expect(
      (await manager.post(url, { points: -20, reason: 'Returned item' }, { 'idempotency-key': idemKey() })).status,
    ).toBe(201)

    const detail = await m.owner.get(`/api/merchant/customers/${m.ada.card.id}`)
    expect(detail.body).toMatchObject({ name: 'Ada Lovelace', balance: 30 })
    expect(
      detail.body.history.map((e: { points: number; balanceAfter: number }) => [e.points, e.balanceAfter]),
    ).toEqual([
      [-20, 30],
      [50, 50],
    ])
    expect(await balanceEqualsLedger(m.ada.card.id)).toBe(30)
  })

  it('never takes the balance below zero', async () => {
    const m = await withMembers()
    const url = `/api/merchant/customers/${m.ada.card.id}/adjust`
    await m.owner.post(url, { points: 10, reason: 'Start' }, { 'idempotency-key': idemKey() })
    const res = await m.owner.post(url, { points: -11, reason: 'Too much' }, { 'idempotency-key': idemKey() })
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('insufficient_balance')
    expect(await balanceEqualsLedger(m.ada.card.id)).toBe(10)
  })

  it('refuses an adjustment by a cashier, without a reason, or without an idempotency key', async () => {
    const m = await withMembers()
    const cashier = await addStaff(t, m.merchantId, 'cashier')
    const url = `/api/merchant/customers/${m.ada.card.id}/adjust`
    const byCashier = await cashier.post(url, { points: 10, reason: 'Friend' }, { 'idempotency-key': idemKey() })
    expect(byCashier.status).toBe(403)
    expect((await m.owner.post(url, { points: 10, reason: '' }, { 'idempotency-key': idemKey() })).status).toBe(400)
    expect((await m.owner.post(url, { points: 10, reason: 'No key' })).status).toBe(400)
    expect(await balanceEqualsLedger(m.ada.card.id)).toBe(0)
  })
})
