import fs from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { purgeAccountTokens } from '../../server/services/members/housekeeping.js'
import { databaseBytes, earn, linkIn, startMailbox } from '../helpers/account.js'
import { merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { get } from '../helpers/db.js'

let t: TestApp
let mailbox: Awaited<ReturnType<typeof startMailbox>>
beforeEach(async () => {
  mailbox = await startMailbox()
  t = await makeTestApp({ SMTP_URL: mailbox.url, SMTP_FROM: 'Wallet <wallet@shop.test>' })
})
afterEach(async () => {
  await t.close()
  await mailbox.close()
})

const EMAIL = 'ada@example.test'

async function member(email = EMAIL) {
  const m = await merchantWithOwner(t)
  const client = t.client()
  const join = await client.post('/api/join', { slug: m.slug, name: 'Ada', email })
  expect(join.status).toBe(201)
  return { ...m, client, card: join.body.card }
}

describe('sign-in links by email', () => {
  it('mails a link that, confirmed on a new device, brings the wallet back', async () => {
    const { owner, card } = await member()
    await earn(t, owner, card, 700)
    const device = t.client()
    const ask = await device.post('/api/auth/email-link', { email: 'Ada@Example.test', locale: 'en' })
    expect(ask.status).toBe(202)
    expect(ask.body).toEqual({ sent: true })
    const mail = await mailbox.waitFor(1)
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe(EMAIL)
    expect(mail.from?.text).toContain('wallet@shop.test')
    expect(mail.subject).toBe('Your Loyalty Wallet sign-in link')
    const { url, token } = linkIn(mail)
    expect(Buffer.from(token, 'base64url')).toHaveLength(16)

    // Opening the link (what a mail scanner does) does not use it up: only the confirm POST does.
    await device.get(url.replace('http://localhost:3000', ''))
    expect(await get(t.db, 'select used_at from sign_in_links')).toEqual({ used_at: null })

    const res = await device.post('/api/auth/email-link/confirm', { token })
    expect(res.status).toBe(200)
    expect(res.body.signedIn).toBe(true)
    expect((await device.get('/api/me/cards')).body.cards).toMatchObject([{ id: card.id, balance: 7 }])
  })

  it('locks out whoever joined with an address they do not own once its owner opens a sign-in link', async () => {
    // Someone joins with Ada's address and keeps a session (and a passkey could be added too).
    const impostor = await member()
    // Ada has her own wallet on her phone, with points at another shop.
    const shop = await merchantWithOwner(t)
    const ada = t.client()
    const joined = await ada.post('/api/join', { slug: shop.slug, name: 'Ada' })
    await earn(t, shop.owner, joined.body.card, 900)

    await ada.post('/api/auth/email-link', { email: EMAIL, locale: 'en' })
    const { token } = linkIn(await mailbox.waitFor(1))
    expect((await ada.post('/api/auth/email-link/confirm', { token })).status).toBe(200)

    // Ada's cards joined the account her address proved; the impostor's session is gone.
    expect((await ada.get('/api/me/cards')).body.cards.map((c: { id: string }) => c.id)).toContain(joined.body.card.id)
    expect((await impostor.client.get('/api/me/cards')).status).toBe(401)
    const row = await get(t.db, 'select email_verified_at from customers where email = ?', EMAIL)
    expect(row).toEqual({ email_verified_at: t.clock.now().toISOString() })

    // A later link does not sign the owner's own devices out again.
    await ada.post('/api/auth/email-link', { email: EMAIL, locale: 'en' })
    const second = linkIn(await mailbox.waitFor(2))
    const other = t.client()
    expect((await other.post('/api/auth/email-link/confirm', { token: second.token })).status).toBe(200)
    expect((await ada.get('/api/me/cards')).status).toBe(200)
  })

  it('writes the message in Polish when asked', async () => {
    await member()
    await t.client().post('/api/auth/email-link', { email: EMAIL, locale: 'pl' })
    const mail = await mailbox.waitFor(1)
    expect(mail.subject).toBe('Twój link do logowania w Loyalty Wallet')
    expect(mail.text).toContain('Link działa raz, przez 15 minut')
  })

  it('accepts a link once', async () => {
    await member()
    await t.client().post('/api/auth/email-link', { email: EMAIL })
    const { token } = linkIn(await mailbox.waitFor(1))
    expect((await t.client().post('/api/auth/email-link/confirm', { token })).status).toBe(200)
    const again = await t.client().post('/api/auth/email-link/confirm', { token })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('link_used')
  })

  it('refuses a link after 15 minutes, and an unknown token', async () => {
    await member()
    await t.client().post('/api/auth/email-link', { email: EMAIL })
    const { token } = linkIn(await mailbox.waitFor(1))
    t.clock.advance(15 * 60_000)
    const late = await t.client().post('/api/auth/email-link/confirm', { token })
    expect(late.status).toBe(410)
    expect(late.body.error.code).toBe('link_expired')
    const unknown = await t.client().post('/api/auth/email-link/confirm', { token: 'AAAAAAAAAAAAAAAAAAAAAA' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.code).toBe('link_invalid')
  })

  it('answers the 6th request for one address within 10 minutes with 429, known or not', async () => {
    await member()
    for (const email of [EMAIL, 'nobody@example.test']) {
      for (let i = 0; i < 5; i++) {
        const ok = await t.client().post('/api/auth/email-link', { email })
        expect(ok.status).toBe(202)
        t.clock.advance(1000)
      }
      const sixth = await t.client().post('/api/auth/email-link', { email })
      expect(sixth.status).toBe(429)
      expect(sixth.body.error.code).toBe('rate_limited')
    }
    await mailbox.waitFor(5)
    t.clock.advance(10 * 60_000)
    expect((await t.client().post('/api/auth/email-link', { email: EMAIL })).status).toBe(202)
    await mailbox.waitFor(6)
  })

  it('gives the same answer for an unknown address, and mails nobody', async () => {
    await member()
    const known = await t.client().post('/api/auth/email-link', { email: EMAIL })
    const unknown = await t.client().post('/api/auth/email-link', { email: 'stranger@example.test' })
    expect(unknown.status).toBe(known.status)
    expect(unknown.body).toEqual(known.body)
    const headers = (h: Headers) => [...h.entries()].filter(([k]) => k !== 'date' && !k.startsWith('ratelimit'))
    expect(headers(unknown.headers)).toEqual(headers(known.headers))
    await mailbox.waitFor(1)
    await new Promise((r) => setTimeout(r, 200))
    expect(mailbox.inbox).toHaveLength(1)
    expect(await get(t.db, 'select count(*) n from sign_in_links')).toEqual({ n: 1 })
  })

  it('stores the token only as a hash: the raw token is nowhere in the database file', async () => {
    await member()
    await t.client().post('/api/auth/email-link', { email: EMAIL })
    const { token } = linkIn(await mailbox.waitFor(1))
    const bytes = await databaseBytes(t, fs)
    expect(bytes.includes(Buffer.from(token))).toBe(false)
    const stored = (await get(t.db, 'select token_hash from sign_in_links')) as { token_hash: string }
    expect(bytes.includes(Buffer.from(stored.token_hash))).toBe(true)
    expect(bytes.includes(Buffer.from('ada@example.test'))).toBe(true) // the search can find text that is there
  })
})

describe('sign-in links without SMTP', () => {
  it('prints the link on the server console, and the printed link signs in', async () => {
    const local = await makeTestApp()
    const printed: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')))
    try {
      const m = await merchantWithOwner(local)
      await local.client().post('/api/join', { slug: m.slug, name: 'Ada', email: EMAIL })
      expect((await local.client().post('/api/auth/email-link', { email: EMAIL })).status).toBe(202)
      await vi.waitFor(() => expect(printed.join('\n')).toMatch(/signin\/email\?token=/))
      const token = /signin\/email\?token=([A-Za-z0-9_-]+)/.exec(printed.join('\n'))![1]!
      const res = await local.client().post('/api/auth/email-link/confirm', { token })
      expect(res.status).toBe(200)
    } finally {
      spy.mockRestore()
      await local.close()
    }
  })
})

describe('housekeeping of sign-in rows', () => {
  it('drops expired challenges, old link requests and links expired a day ago, keeping live ones', async () => {
    await member()
    const n = async (table: string) => ((await get(t.db, `select count(*) n from ${table}`)) as { n: number }).n
    await t.client().post('/api/auth/email-link', { email: EMAIL })
    await t.client().post('/api/auth/passkey/options')
    t.clock.advance(16 * 60_000)
    await t.client().post('/api/auth/email-link', { email: EMAIL })
    await purgeAccountTokens(t.deps)
    // The first link expired a minute ago: kept, so it can still be reported as expired.
    expect([await n('sign_in_links'), await n('sign_in_requests'), await n('webauthn_challenges')]).toEqual([2, 1, 0])
    t.clock.advance(25 * 3600_000)
    await purgeAccountTokens(t.deps)
    expect([await n('sign_in_links'), await n('sign_in_requests')]).toEqual([0, 0])
    await mailbox.waitFor(2)
  })
})
