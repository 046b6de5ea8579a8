import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { linkIn, startMailbox } from '../helpers/account.js'
import { currentCode, merchantWithOwner } from '../helpers/factories.js'
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

type Card = { id: string; cardNumber: string; totpSecret: string }

/** A member on an old phone, and the same wallet signed in on a new phone by an email link. */
async function twoPhones() {
  const m = await merchantWithOwner(t)
  const oldPhone = t.client()
  const join = await oldPhone.post('/api/join', { slug: m.slug, name: 'Ada', email: 'ada@example.test' })
  expect(join.status).toBe(201)
  const card = join.body.card as Card
  const newPhone = t.client()
  expect((await newPhone.post('/api/auth/email-link', { email: 'ada@example.test', locale: 'en' })).status).toBe(202)
  const { token } = linkIn(await mailbox.waitFor(1))
  expect((await newPhone.post('/api/auth/email-link/confirm', { token })).status).toBe(200)
  return { ...m, oldPhone, newPhone, card }
}

const scanWith = (staff: { post: (u: string, b: unknown) => Promise<{ status: number; body: any }> }, card: Card) =>
  staff.post('/api/staff/scan', { code: currentCode(t, card) })

describe('devices signed out elsewhere', () => {
  it('signing in on a new phone by email link: the old phone is told it is signed out, and its codes no longer open the card', async () => {
    const p = await twoPhones()
    // The old phone's session ended (the address was proven by the link): 401, never a stale balance.
    expect((await p.oldPhone.get(`/api/me/cards/${p.card.id}`)).status).toBe(401)
    expect((await p.oldPhone.get('/api/me/cards')).status).toBe(401)
    // The secret it keeps draws codes the till refuses.
    const refused = await scanWith(p.owner, p.card)
    expect(refused.status).toBe(400)
    expect(refused.body.error.code).toBe('code_invalid')
    // The new phone has the new secret, and its code opens the card.
    const fresh = (await p.newPhone.get(`/api/me/cards/${p.card.id}`)).body.card as Card
    expect(fresh.totpSecret).not.toBe(p.card.totpSecret)
    expect((await scanWith(p.owner, fresh)).status).toBe(200)
  })

  it("signing a device out from the devices list: that device's secret no longer opens the card, the others pick up the new one on their next sync", async () => {
    const p = await twoPhones()
    // The old phone signs in again (a second link), so the wallet has two devices.
    expect((await p.oldPhone.post('/api/auth/email-link', { email: 'ada@example.test', locale: 'en' })).status).toBe(
      202,
    )
    const { token } = linkIn(await mailbox.waitFor(2))
    expect((await p.oldPhone.post('/api/auth/email-link/confirm', { token })).status).toBe(200)
    const onOld = (await p.oldPhone.get(`/api/me/cards/${p.card.id}`)).body.card as Card
    const onNew = (await p.newPhone.get(`/api/me/cards/${p.card.id}`)).body.card as Card
    expect(onOld.totpSecret).toBe(onNew.totpSecret)

    // The new phone signs the old one out.
    const devices = (await p.newPhone.get('/api/me/devices')).body.devices as Array<{ id: string; current: boolean }>
    const other = devices.find((d) => !d.current)!
    expect((await p.newPhone.req('DELETE', `/api/me/devices/${other.id}`)).status).toBe(200)
    expect((await p.oldPhone.get(`/api/me/cards/${p.card.id}`)).status).toBe(401)
    const refused = await scanWith(p.owner, onOld)
    expect(refused.body.error.code).toBe('code_invalid')

    // The phone still signed in syncs and draws codes that work.
    const synced = (await p.newPhone.get(`/api/me/cards/${p.card.id}`)).body.card as Card
    expect(synced.totpSecret).not.toBe(onNew.totpSecret)
    t.clock.advance(30_000)
    expect((await scanWith(p.owner, synced)).status).toBe(200)
  })

  it('"sign out all other devices" rotates the secret too, but only when a device was signed out', async () => {
    const p = await twoPhones()
    const before = (await p.newPhone.get(`/api/me/cards/${p.card.id}`)).body.card as Card
    // Nothing else is signed in (the old phone was signed out by the link): nothing changes.
    expect((await p.newPhone.post('/api/me/devices/sign-out-others')).body).toEqual({ signedOut: 0 })
    expect(((await p.newPhone.get(`/api/me/cards/${p.card.id}`)).body.card as Card).totpSecret).toBe(before.totpSecret)
    const third = t.client()
    expect((await third.post('/api/auth/email-link', { email: 'ada@example.test', locale: 'en' })).status).toBe(202)
    expect(
      (await third.post('/api/auth/email-link/confirm', { token: linkIn(await mailbox.waitFor(2)).token })).status,
    ).toBe(200)
    const shared = (await p.newPhone.get(`/api/me/cards/${p.card.id}`)).body.card as Card
    expect((await p.newPhone.post('/api/me/devices/sign-out-others')).body).toEqual({ signedOut: 1 })
    expect((await scanWith(p.owner, shared)).body.error.code).toBe('code_invalid')
  })
})
