import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordFailure } from '../../server/services/console/login-throttle.js'
import { startMailbox } from '../helpers/account.js'
import { addStaffMember, merchantWithOwner, PASSWORD } from '../helpers/factories.js'
import { from, tokenLinkIn } from '../helpers/platform.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let mailbox: Awaited<ReturnType<typeof startMailbox>>
beforeEach(async () => {
  mailbox = await startMailbox()
  t = await makeTestApp({ SMTP_URL: mailbox.url, TRUST_PROXY: '1' })
})
afterEach(async () => {
  await t.close()
  await mailbox.close()
})

const NEW_PASSWORD = 'a brand new password'

describe('password reset by email', () => {
  it('answers the same for a known and an unknown address, and mails only the known one', async () => {
    const m = await merchantWithOwner(t)
    const known = await t.client().post('/api/staff/password-reset', { email: m.ownerEmail, locale: 'en' })
    const unknown = await t.client().post('/api/staff/password-reset', { email: 'nobody@x.test', locale: 'en' })
    expect(known.status).toBe(202)
    expect(unknown).toMatchObject({ status: known.status, body: known.body })
    const mail = await mailbox.waitFor(1)
    expect(mail.subject).toBe('Reset your Loyalty Wallet staff password')
    await new Promise((r) => setTimeout(r, 100))
    expect(mailbox.inbox).toHaveLength(1)
    // Only the token's hash is stored.
    const { token } = tokenLinkIn(mail, '/staff/reset')
    const rows = await t.db.selectFrom('password_resets').select(['token_hash']).execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.token_hash).not.toContain(token)
  })

  it('sets the new password once, signs out every other session, and the old password stops working', async () => {
    const m = await merchantWithOwner(t)
    await t.client().post('/api/staff/password-reset', { email: m.ownerEmail, locale: 'pl' })
    const mail = await mailbox.waitFor(1)
    expect(mail.subject).toMatch(/Zmiana hasła/)
    const { token } = tokenLinkIn(mail, '/staff/reset')

    const device = t.client()
    const done = await device.post('/api/staff/password-reset/confirm', { token, password: NEW_PASSWORD })
    expect(done.status).toBe(200)
    expect(done.body.email).toBe(m.ownerEmail)
    expect((await device.get('/api/staff/me')).status).toBe(200)
    // The session opened before the reset is gone.
    expect((await m.owner.get('/api/staff/me')).status).toBe(401)

    const again = await t
      .client()
      .post('/api/staff/password-reset/confirm', { token, password: 'yet another password' })
    expect(again.status).toBe(410)
    expect(again.body.error.code).toBe('reset_invalid')

    expect((await t.client().post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })).status).toBe(401)
    expect((await t.client().post('/api/staff/login', { email: m.ownerEmail, password: NEW_PASSWORD })).status).toBe(
      200,
    )
  })

  it('expires a link after 30 minutes', async () => {
    const m = await merchantWithOwner(t)
    await t.client().post('/api/staff/password-reset', { email: m.ownerEmail, locale: 'en' })
    const { token } = tokenLinkIn(await mailbox.waitFor(1), '/staff/reset')
    t.clock.advance(30 * 60_000 + 1000)
    const res = await t.client().post('/api/staff/password-reset/confirm', { token, password: NEW_PASSWORD })
    expect(res.status).toBe(410)
    expect(res.body.error.code).toBe('reset_invalid')
    expect((await t.client().post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })).status).toBe(200)
  })

  it('lets a later link work after an earlier one, and ends the earlier one once a link is used', async () => {
    const m = await merchantWithOwner(t)
    await t.client().post('/api/staff/password-reset', { email: m.ownerEmail, locale: 'en' })
    await t.client().post('/api/staff/password-reset', { email: m.ownerEmail, locale: 'en' })
    const first = tokenLinkIn(await mailbox.waitFor(1), '/staff/reset').token
    const second = tokenLinkIn(await mailbox.waitFor(2), '/staff/reset').token
    expect(
      (await t.client().post('/api/staff/password-reset/confirm', { token: second, password: NEW_PASSWORD })).status,
    ).toBe(200)
    expect(
      (await t.client().post('/api/staff/password-reset/confirm', { token: first, password: NEW_PASSWORD })).status,
    ).toBe(410)
  })

  it('limits requests per address to three in 15 minutes, known or not', async () => {
    for (const email of ['nobody@x.test', 'owner@nowhere.test']) {
      for (let i = 0; i < 3; i++) {
        expect((await t.client().post('/api/staff/password-reset', { email, locale: 'en' })).status).toBe(202)
      }
      const fourth = await t.client().post('/api/staff/password-reset', { email, locale: 'en' })
      expect(fourth.status).toBe(429)
      expect(fourth.body.error.code).toBe('rate_limited')
    }
  })
})

describe('login throttling', () => {
  const WIFI = '203.0.113.7'

  it('slows down one account after its wrong passwords, never the rest of the shop on the same address', async () => {
    const m = await merchantWithOwner(t)
    const cashier = await addStaffMember(t, m.merchantId, 'cashier')
    const typo = from(t, WIFI)
    for (let i = 0; i < 5; i++) {
      expect((await typo.post('/api/staff/login', { email: cashier.email, password: 'wrong' })).status).toBe(401)
    }
    // The sixth try waits, even with the right password.
    const blocked = await typo.post('/api/staff/login', { email: cashier.email, password: PASSWORD })
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('login_throttled')
    expect(blocked.body.error.details.retryAfterSeconds).toBe(30)

    // The owner on the same Wi-Fi signs in as usual.
    expect((await from(t, WIFI).post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })).status).toBe(200)
    // And the cashier from another address (their phone on mobile data) too.
    expect(
      (await from(t, '198.51.100.1').post('/api/staff/login', { email: cashier.email, password: PASSWORD })).status,
    ).toBe(200)

    // The state lives in the database (any server process sees it): keyed by hashes, no addresses.
    const rows = await t.db.selectFrom('login_throttles').selectAll().execute()
    expect(rows.some((r) => r.key.startsWith('pair:') && r.blocked_until !== null)).toBe(true)
    expect(JSON.stringify(rows)).not.toContain(WIFI)
    expect(JSON.stringify(rows)).not.toContain(cashier.email)
  })

  it('grows the delay with each further failure and lets the right password in once it has passed', async () => {
    const m = await merchantWithOwner(t)
    const c = from(t, WIFI)
    for (let i = 0; i < 5; i++) await c.post('/api/staff/login', { email: m.ownerEmail, password: 'wrong' })
    t.clock.advance(31_000)
    // A sixth failure after the first delay doubles it.
    expect((await c.post('/api/staff/login', { email: m.ownerEmail, password: 'wrong' })).status).toBe(401)
    const wait = await c.post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })
    expect(wait.status).toBe(429)
    expect(wait.body.error.details.retryAfterSeconds).toBe(60)
    t.clock.advance(61_000)
    expect((await c.post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })).status).toBe(200)
    // The right password clears the count: one more typo does not wait.
    expect((await c.post('/api/staff/login', { email: m.ownerEmail, password: 'wrong' })).status).toBe(401)
    expect((await c.post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })).status).toBe(200)
  })

  it('slows an address that tries many accounts, and an account guessed from many addresses', async () => {
    const m = await merchantWithOwner(t)
    // 49 failures as the login route records them (each real try costs an argon2 verification),
    // then the 50th through the route itself.
    const sprayer = '192.0.2.66'
    for (let i = 0; i < 49; i++) await recordFailure(t.deps, { email: `someone-${i}@x.test`, address: sprayer })
    expect(
      (await from(t, sprayer).post('/api/staff/login', { email: 'someone-49@x.test', password: 'wrong' })).status,
    ).toBe(401)
    const fromSprayer = await from(t, sprayer).post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })
    expect(fromSprayer.status).toBe(429)
    expect(fromSprayer.body.error.code).toBe('login_throttled')
    // The owner elsewhere is not affected by that address.
    expect(
      (await from(t, '203.0.113.20').post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })).status,
    ).toBe(200)

    // One account guessed from twenty addresses waits wherever the next try comes from.
    for (let i = 0; i < 19; i++) await recordFailure(t.deps, { email: m.ownerEmail, address: `10.0.0.${i}` })
    expect(
      (await from(t, '10.0.0.19').post('/api/staff/login', { email: m.ownerEmail, password: 'wrong' })).status,
    ).toBe(401)
    const res = await from(t, '10.0.1.1').post('/api/staff/login', { email: m.ownerEmail, password: PASSWORD })
    expect(res.status).toBe(429)
    expect(res.body.error.code).toBe('login_throttled')
  })
})
