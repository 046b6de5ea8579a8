import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addPasskey, passkeySignIn } from '../helpers/account.js'
import { joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

async function twoDevices() {
  const { slug } = await merchantWithOwner(t)
  const phone = await joinedCustomer(t, slug)
  const { authenticator } = await addPasskey(phone.client)
  t.clock.advance(2 * 3600_000)
  const laptop = t.client()
  expect((await passkeySignIn(laptop, authenticator)).status).toBe(200)
  return { phone: phone.client, laptop, authenticator }
}

describe('signed-in devices', () => {
  it('lists the devices with last use, marking this one', async () => {
    const { phone } = await twoDevices()
    const res = await phone.get('/api/me/devices')
    expect(res.status).toBe(200)
    expect(res.body.devices).toHaveLength(2)
    expect(res.body.devices.filter((d: { current: boolean }) => d.current)).toHaveLength(1)
    expect(res.body.devices[0].lastSeenAt).toBe(t.clock.now().toISOString())
  })

  it('signs one device out; that device is then refused', async () => {
    const { phone, laptop } = await twoDevices()
    const laptopId = (await laptop.get('/api/me/devices')).body.devices.find((d: { current: boolean }) => d.current).id
    expect((await phone.delete(`/api/me/devices/${laptopId}`)).status).toBe(200)
    expect((await laptop.get('/api/me/cards')).status).toBe(401)
    expect((await phone.get('/api/me/cards')).status).toBe(200)
    const unknown = await phone.delete(`/api/me/devices/${laptopId}`)
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('device_not_found')
  })

  it('signs out every other device at once', async () => {
    const { phone, laptop, authenticator } = await twoDevices()
    const third = t.client()
    await passkeySignIn(third, authenticator)
    const res = await phone.post('/api/me/devices/sign-out-others')
    expect(res.body).toEqual({ signedOut: 2 })
    expect((await laptop.get('/api/me/cards')).status).toBe(401)
    expect((await third.get('/api/me/cards')).status).toBe(401)
    expect((await phone.get('/api/me/devices')).body.devices).toHaveLength(1)
  })

  it('renews the session token on sign-in: the token from before no longer works', async () => {
    const { slug } = await merchantWithOwner(t)
    const phone = await joinedCustomer(t, slug)
    const { authenticator } = await addPasskey(phone.client)
    const before = phone.client.cookie('lw_c')
    expect((await passkeySignIn(phone.client, authenticator)).status).toBe(200)
    const after = phone.client.cookie('lw_c')
    expect(after).toBeTruthy()
    expect(after).not.toBe(before)
    const stale = t.client()
    stale.setCookie('lw_c', before!)
    expect((await stale.get('/api/me/cards')).status).toBe(401)
    expect(await get(t.db, "select count(*) n from sessions where kind = 'customer'")).toEqual({ n: 1 })
  })
})
