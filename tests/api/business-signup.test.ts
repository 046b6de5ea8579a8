import { afterEach, describe, expect, it } from 'vitest'
import { startMailbox } from '../helpers/account.js'
import { merchantWithOwner } from '../helpers/factories.js'
import { from, signupForm, tokenLinkIn } from '../helpers/platform.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let mailbox: Awaited<ReturnType<typeof startMailbox>> | null = null
afterEach(async () => {
  await t.close()
  await mailbox?.close()
  mailbox = null
})

async function app(env: Record<string, string> = {}) {
  mailbox = await startMailbox()
  t = await makeTestApp({ SMTP_URL: mailbox.url, SIGNUP: 'open', TRUST_PROXY: '1', ...env })
  return t
}

describe('business sign-up', () => {
  it('signs a business up, mails a verification link, and opens it to members only once confirmed and live', async () => {
    await app()
    const owner = t.client()
    const res = await owner.post('/api/business/signup', signupForm({ slug: 'Corner-Cafe' }))
    expect(res.status).toBe(201)
    expect(res.body.verificationSentTo).toBe('olga@corner.test')
    expect(res.body.me).toMatchObject({
      role: 'owner',
      merchant: { slug: 'corner-cafe', currency: 'PLN', status: 'setup', firstRunComplete: false },
      locations: [{ name: 'Corner Café' }],
    })
    // Members cannot join a business that is still being set up.
    const early = await t.client().post('/api/join', { slug: 'corner-cafe', name: 'Ada' })
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('business_not_live')
    // Nor can it go live before its owner's address is proven.
    const tooSoon = await owner.post('/api/merchant/first-run/go-live')
    expect(tooSoon.status).toBe(409)
    expect(tooSoon.body.error.code).toBe('email_not_verified')

    const mail = await mailbox!.waitFor(1)
    expect(mail.subject).toBe('Confirm your email to open your loyalty program')
    const { token } = tokenLinkIn(mail, '/business/verify')
    const verified = await t.client().post('/api/business/verify', { token })
    expect(verified).toMatchObject({ status: 200, body: { verified: true, businessName: 'Corner Café' } })
    const twice = await t.client().post('/api/business/verify', { token })
    expect(twice.status).toBe(410)
    expect(twice.body.error.code).toBe('verification_invalid')

    // A program first, then live.
    const noProgram = await owner.post('/api/merchant/first-run/go-live')
    expect(noProgram.body.error.code).toBe('program_not_chosen')
    const template = (await owner.get('/api/merchant/first-run/templates/cafe')).body
    expect((await owner.post('/api/merchant/first-run/program', template)).status).toBe(200)
    const live = await owner.post('/api/merchant/first-run/go-live')
    expect(live.status).toBe(200)
    expect(live.body.status).toBe('live')
    expect((await t.client().post('/api/join', { slug: 'corner-cafe', name: 'Ada' })).status).toBe(201)
  })

  it('expires a verification link after 48 hours; the owner can ask for a new one', async () => {
    await app()
    const owner = t.client()
    await owner.post('/api/business/signup', signupForm())
    const first = tokenLinkIn(await mailbox!.waitFor(1), '/business/verify').token
    t.clock.advance(48 * 3600_000 + 1000)
    expect((await t.client().post('/api/business/verify', { token: first })).status).toBe(410)
    // The owner's session lasts 12 hours: sign in again.
    const again = t.client()
    expect(
      (await again.post('/api/staff/login', { email: 'olga@corner.test', password: 'a long enough password' })).status,
    ).toBe(200)
    expect((await again.post('/api/merchant/verification/resend', { locale: 'pl' })).body).toEqual({ sent: true })
    const mail = await mailbox!.waitFor(2)
    expect(mail.subject).toMatch(/Potwierdź e-mail/)
    const second = tokenLinkIn(mail, '/business/verify').token
    expect((await t.client().post('/api/business/verify', { token: second })).status).toBe(200)
    const state = await again.get('/api/merchant/first-run')
    expect(state.body.steps.find((s: { step: string }) => s.step === 'email').done).toBe(true)
  })

  it('names the field and the reason of every refusal', async () => {
    await app()
    await merchantWithOwner(t, { slug: 'taken-name', email: 'first@owner.test' })
    const tryWith = async (over: Record<string, unknown>) => t.client().post('/api/business/signup', signupForm(over))

    const bad = await tryWith({ slug: 'no spaces!' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0].path).toBe('slug')
    const short = await tryWith({ slug: 'ab' })
    expect(short.body.error.details[0].path).toBe('slug')
    for (const word of ['api', 'merchant', 'staff', 'join', 'setup', 'business', 'operator', 'admin', 'assets']) {
      const reserved = await tryWith({ slug: word })
      expect(reserved.status).toBe(422)
      expect(reserved.body.error).toMatchObject({ code: 'slug_reserved', details: [{ path: 'slug' }] })
    }
    const taken = await tryWith({ slug: 'Taken-Name' })
    expect(taken.status).toBe(409)
    expect(taken.body.error).toMatchObject({ code: 'slug_taken', details: [{ path: 'slug' }] })
    const email = await tryWith({ ownerEmail: 'FIRST@owner.test' })
    expect(email.status).toBe(409)
    expect(email.body.error).toMatchObject({ code: 'email_taken', details: [{ path: 'ownerEmail' }] })
    const tz = await tryWith({ timezone: 'Mars/Olympus' })
    expect(tz.body.error.details[0].path).toBe('timezone')
    const password = await tryWith({ ownerPassword: 'short' })
    expect(password.body.error.message).toMatch(/ownerPassword: at least 10 characters/)
    const kind = await tryWith({ kind: 'spaceport' })
    expect(kind.body.error.details[0].path).toBe('kind')
    // Nothing was created by any of them.
    expect(await t.db.selectFrom('merchants').select('slug').execute()).toEqual([{ slug: 'taken-name' }])
  })

  it('checks a slug before the form is sent: shape, reserved word, taken, lower-cased', async () => {
    await app()
    await merchantWithOwner(t, { slug: 'taken-name' })
    const check = async (slug: string) =>
      (await t.client().get(`/api/business/slug-check?slug=${encodeURIComponent(slug)}`)).body
    expect(await check('Fresh-Bakery')).toEqual({ slug: 'fresh-bakery', available: true, problem: null })
    expect(await check('operator')).toEqual({ slug: 'operator', available: false, problem: 'reserved' })
    expect(await check('taken-name')).toEqual({ slug: 'taken-name', available: false, problem: 'taken' })
    expect(await check('a--b')).toMatchObject({ available: false, problem: 'invalid' })
  })

  it('limits sign-ups per address per hour, in the database', async () => {
    await app({ RATE_LIMIT_SIGNUP_PER_HOUR: '2' })
    const here = (n: number) =>
      from(t, '203.0.113.9').post('/api/business/signup', signupForm({ slug: `shop-${n}`, ownerEmail: `o${n}@x.test` }))
    expect((await here(1)).status).toBe(201)
    expect((await here(2)).status).toBe(201)
    const third = await here(3)
    expect(third.status).toBe(429)
    expect(third.body.error.code).toBe('rate_limited')
    // Another address is not affected; an hour later this one may sign up again.
    expect(
      (
        await from(t, '198.51.100.4').post(
          '/api/business/signup',
          signupForm({ slug: 'shop-4', ownerEmail: 'o4@x.test' }),
        )
      ).status,
    ).toBe(201)
    t.clock.advance(3600_000 + 1000)
    expect((await here(5)).status).toBe(201)
  })
})

describe('SIGNUP modes', () => {
  it('closed: refuses every sign-up and says so', async () => {
    await app({ SIGNUP: 'closed' })
    expect((await t.client().get('/api/business/signup')).body).toEqual({ mode: 'closed', invite: null })
    const res = await t.client().post('/api/business/signup', signupForm())
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('signup_closed')
  })

  it('invite: needs an operator link, which works once', async () => {
    await app({ SIGNUP: 'invite', OPERATOR_EMAILS: 'op@platform.test' })
    const op = await merchantWithOwner(t, { email: 'op@platform.test' })
    const none = await t.client().post('/api/business/signup', signupForm())
    expect(none.status).toBe(403)
    expect(none.body.error.code).toBe('signup_invite_required')

    const invite = await op.owner.post('/api/operator/invites', { note: 'Corner Café, Olga' })
    expect(invite.status).toBe(201)
    const token = new URL(invite.body.url).searchParams.get('invite')!
    expect((await t.client().get(`/api/business/signup?invite=${token}`)).body).toEqual({
      mode: 'invite',
      invite: 'valid',
    })
    expect((await t.client().post('/api/business/signup', signupForm({ invite: token }))).status).toBe(201)
    expect((await t.client().get(`/api/business/signup?invite=${token}`)).body.invite).toBe('invalid')
    const reuse = await t
      .client()
      .post('/api/business/signup', signupForm({ invite: token, slug: 'other', ownerEmail: 'x@y.test' }))
    expect(reuse.status).toBe(410)
    expect(reuse.body.error.code).toBe('signup_invite_invalid')
    const listed = (await op.owner.get('/api/operator/invites')).body.invites
    expect(listed).toMatchObject([{ note: 'Corner Café, Olga', businessName: 'Corner Café' }])
    expect(JSON.stringify(listed)).not.toContain(token)
    await mailbox!.waitFor(1)
  })

  it('open: anyone may sign up', async () => {
    await app({ SIGNUP: 'open' })
    expect((await t.client().get('/api/business/signup')).body).toEqual({ mode: 'open', invite: null })
    expect((await t.client().post('/api/business/signup', signupForm())).status).toBe(201)
    await mailbox!.waitFor(1)
  })
})

describe('first-run setup of an empty installation', () => {
  it('still makes the first business, whose owner is the operator', async () => {
    t = await makeTestApp()
    const c = t.client()
    const res = await c.post('/api/setup', {
      token: 'test-setup-token-0123456789',
      merchantName: 'First Shop',
      slug: 'first',
      ownerName: 'Olga',
      ownerEmail: 'olga@first.test',
      ownerPassword: 'a long enough password',
      kind: 'bakery',
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ operator: true, merchant: { status: 'live', firstRunComplete: false } })
    expect((await c.get('/api/operator/businesses')).status).toBe(200)
  })
})
