import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { linkIn, startMailbox } from '../helpers/account.js'
import { merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

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

async function shopWithWelcome(points = 50) {
  const m = await merchantWithOwner(t)
  const res = await m.owner.req('PUT', '/api/merchant/program', {
    rules: { pointsPerUnit: 1, unitMinor: 100, welcomeBonus: points },
  })
  expect(res.status).toBe(200)
  return m
}
const join = (c: TestClient, body: Record<string, unknown>) => c.post('/api/join', body)

describe('one welcome bonus per person and merchant', () => {
  it('a second join with the same verified email, from another browser, gets the card but no second bonus', async () => {
    const m = await shopWithWelcome()
    const first = t.client()
    const a = await join(first, { slug: m.slug, name: 'Ada', email: 'ada@example.test' })
    expect(a.body.card.balance).toBe(50)
    // Ada proves the address with a sign-in link.
    expect((await first.post('/api/auth/email-link', { email: 'ada@example.test', locale: 'en' })).status).toBe(202)
    expect(
      (await first.post('/api/auth/email-link/confirm', { token: linkIn(await mailbox.waitFor(1)).token })).status,
    ).toBe(200)
    const verified = await t.db.selectFrom('customers').select('email_verified_at').where('name', '=', 'Ada').execute()
    expect(verified[0]!.email_verified_at).not.toBeNull()

    const again = await join(t.client(), { slug: m.slug, name: 'Ada B', email: 'ADA@example.test ' })
    expect(again.status).toBe(201)
    expect(again.body.card.balance).toBe(0)
    const bonuses = await t.db
      .selectFrom('ledger_entries')
      .select('card_id')
      .where('merchant_id', '=', m.merchantId)
      .where('kind', '=', 'bonus')
      .execute()
    expect(bonuses).toEqual([{ card_id: a.body.card.id }])
  })

  it('a join from a device that already joined (cookies cleared) gets no second bonus; another merchant still welcomes it', async () => {
    const m = await shopWithWelcome()
    const deviceId = 'device-0123456789abcdef'
    expect((await join(t.client(), { slug: m.slug, name: 'Bo', deviceId })).body.card.balance).toBe(50)
    expect((await join(t.client(), { slug: m.slug, name: 'Bo again', deviceId })).body.card.balance).toBe(0)
    const other = await shopWithWelcome(20)
    expect((await join(t.client(), { slug: other.slug, name: 'Bo', deviceId })).body.card.balance).toBe(20)
    // Different people on different devices each get theirs.
    expect(
      (await join(t.client(), { slug: m.slug, name: 'Cy', deviceId: 'device-fedcba9876543210' })).body.card.balance,
    ).toBe(50)
  })

  it('deleting the account and joining again with the same email does not bring the bonus back', async () => {
    const m = await shopWithWelcome()
    const c = t.client()
    expect((await join(c, { slug: m.slug, name: 'Di', email: 'di@example.test' })).body.card.balance).toBe(50)
    expect((await c.post('/api/me/delete', { confirm: true })).status).toBeLessThan(300)
    expect((await join(t.client(), { slug: m.slug, name: 'Di', email: 'di@example.test' })).body.card.balance).toBe(0)
  })
})

describe('birthdays', () => {
  // T0 is 10 March 2026.
  it.each([
    ['1850-05-01', false],
    ['1905-03-10', false],
    ['1905-03-11', true],
    ['2013-03-10', true],
    ['2013-03-11', false],
    ['2026-01-01', false],
    ['1990-02-30', false],
  ])('at join, %s is accepted: %s', async (birthday, ok) => {
    const m = await shopWithWelcome()
    const res = await join(t.client(), { slug: m.slug, name: 'Ed', birthday })
    if (ok) expect(res.status).toBe(201)
    else {
      expect(res.status).toBe(400)
      expect(res.body.error.details).toEqual([{ path: 'birthday', message: expect.any(String) }])
      if (birthday !== '1990-02-30') expect(res.body.error.message).toMatch(/birthday: an age from 13 to 120/)
    }
  })

  it('refuses an implausible birthday from the settings too, naming the allowed dates', async () => {
    const m = await shopWithWelcome()
    const c = t.client()
    await join(c, { slug: m.slug, name: 'Flo' })
    const res = await c.req('PUT', '/api/me/birthday', { birthday: '1850-01-01' })
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe(
      'birthday: an age from 13 to 120: a date after 1905-03-10 and on or before 2013-03-10',
    )
    expect((await c.req('PUT', '/api/me/birthday', { birthday: '1990-06-01' })).status).toBe(200)
  })
})
