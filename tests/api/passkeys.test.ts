import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addPasskey, earn, ORIGIN, passkeySignIn } from '../helpers/account.js'
import { joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { SoftAuthenticator } from '../helpers/soft-authenticator.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

describe('passkeys', () => {
  it('asks for a discoverable passkey with user verification, for this site', async () => {
    const { slug } = await merchantWithOwner(t)
    const { client } = await joinedCustomer(t, slug)
    const res = await client.post('/api/me/passkeys/options')
    expect(res.status).toBe(200)
    expect(res.body.rp).toEqual({ name: 'Loyalty Wallet', id: 'localhost' })
    expect(res.body.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' })
    expect((await t.client().post('/api/me/passkeys/options')).status).toBe(401)
  })

  it('restores the whole wallet on a new device by passkey alone', async () => {
    const { slug, owner } = await merchantWithOwner(t)
    const { client, card } = await joinedCustomer(t, slug, 'Ada')
    await earn(t, owner, card, 1250)
    const { authenticator } = await addPasskey(client, undefined, 'My phone')

    const newPhone = t.client()
    expect((await newPhone.get('/api/me/cards')).status).toBe(401)
    const res = await passkeySignIn(newPhone, authenticator)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ signedIn: true, movedCards: 0, mergedCards: 0 })
    const wallet = await newPhone.get('/api/me/cards')
    expect(wallet.body.cards).toMatchObject([{ id: card.id, balance: 12, memberName: 'Ada' }])
    const list = await newPhone.get('/api/me/passkeys')
    expect(list.body.passkeys).toMatchObject([{ name: 'My phone', lastUsedAt: t.clock.now().toISOString() }])
  })

  it('refuses a reused sign-in challenge: the same signed response works once', async () => {
    const { slug } = await merchantWithOwner(t)
    const { client } = await joinedCustomer(t, slug)
    const { authenticator } = await addPasskey(client)
    const device = t.client()
    const options = await device.post('/api/auth/passkey/options')
    const response = authenticator.authenticate(options.body)
    expect((await device.post('/api/auth/passkey', { response })).status).toBe(200)
    const replay = await t.client().post('/api/auth/passkey', { response })
    expect(replay.status).toBe(400)
    expect(replay.body.error.code).toBe('challenge_invalid')
  })

  it('refuses a reused registration challenge', async () => {
    const { slug } = await merchantWithOwner(t)
    const { client } = await joinedCustomer(t, slug)
    const options = await client.post('/api/me/passkeys/options')
    const auth = new SoftAuthenticator(ORIGIN)
    expect((await client.post('/api/me/passkeys', { response: auth.register(options.body) })).status).toBe(201)
    const again = await client.post('/api/me/passkeys', { response: auth.register(options.body) })
    expect(again.status).toBe(400)
    expect(again.body.error.code).toBe('challenge_invalid')
    expect((await client.get('/api/me/passkeys')).body.passkeys).toHaveLength(1)
  })

  it('refuses an expired challenge', async () => {
    const { slug } = await merchantWithOwner(t)
    const { client } = await joinedCustomer(t, slug)
    const { authenticator } = await addPasskey(client)
    const options = await client.post('/api/auth/passkey/options')
    t.clock.advance(5 * 60_000 + 1)
    const res = await t.client().post('/api/auth/passkey', { response: authenticator.authenticate(options.body) })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('challenge_invalid')
  })

  it("requires user verification and the site's own origin", async () => {
    const { slug } = await merchantWithOwner(t)
    const { client } = await joinedCustomer(t, slug)
    const noUv = new SoftAuthenticator(ORIGIN, false)
    const o1 = await client.post('/api/me/passkeys/options')
    const r1 = await client.post('/api/me/passkeys', { response: noUv.register(o1.body) })
    expect(r1.status).toBe(400)
    expect(r1.body.error.code).toBe('passkey_failed')
    const o2 = await client.post('/api/me/passkeys/options')
    const r2 = await client.post('/api/me/passkeys', {
      response: new SoftAuthenticator(ORIGIN).register(o2.body, { origin: 'https://evil.test' }),
    })
    expect(r2.status).toBe(400)
    expect(r2.body.error.code).toBe('passkey_failed')
    expect((await client.get('/api/me/passkeys')).body.passkeys).toEqual([])
  })

  it('keeps several passkeys per member; renames and removes them; a removed one no longer signs in', async () => {
    const { slug } = await merchantWithOwner(t)
    const { client } = await joinedCustomer(t, slug)
    const phone = await addPasskey(client, undefined, 'Phone')
    const laptop = await addPasskey(client, undefined, 'Laptop')
    expect((await client.get('/api/me/passkeys')).body.passkeys.map((p: { name: string }) => p.name)).toEqual([
      'Phone',
      'Laptop',
    ])

    const renamed = await client.req('PATCH', `/api/me/passkeys/${laptop.passkey.id}`, { name: 'Work laptop' })
    expect(renamed.status).toBe(200)
    expect(renamed.body.passkeys.map((p: { name: string }) => p.name)).toEqual(['Phone', 'Work laptop'])

    const removed = await client.delete(`/api/me/passkeys/${phone.passkey.id}`)
    expect(removed.status).toBe(200)
    expect(removed.body.passkeys).toHaveLength(1)
    const res = await passkeySignIn(t.client(), phone.authenticator)
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('passkey_unknown')
    expect((await passkeySignIn(t.client(), laptop.authenticator)).status).toBe(200)

    const other = await joinedCustomer(t, slug, 'Bob')
    const stranger = await other.client.delete(`/api/me/passkeys/${laptop.passkey.id}`)
    expect(stranger.status).toBe(404)
    expect(stranger.body.error.code).toBe('passkey_not_found')
  })
})

describe('the OpenAPI document', () => {
  it('lists the sign-in and account routes', async () => {
    const doc = await t.client().get('/api/openapi.json')
    const paths = Object.keys(doc.body.paths)
    for (const p of [
      '/auth/passkey',
      '/auth/passkey/options',
      '/auth/email-link',
      '/auth/email-link/confirm',
      '/me/passkeys',
      '/me/devices',
      '/me/export',
      '/me/delete',
    ]) {
      expect(paths).toContain(p)
    }
  })
})
