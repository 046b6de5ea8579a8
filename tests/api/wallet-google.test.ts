import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decodeJwt, importSPKI, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { qrPayload } from '../../server/contract/card-code.js'
import { backoffMs } from '../../server/services/push/sender.js'
import { openSession } from '../../server/services/members/sessions.js'
import { WalletSender } from '../../server/services/wallet/sender.js'
import { earn } from '../helpers/account.js'
import { get } from '../helpers/db.js'
import { joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { ISSUER_ID, makeServiceAccount, startGoogle, type ServiceAccount } from '../helpers/wallet.js'

// The PWA's own code (client/lib/totp.ts), loaded by a computed specifier as tests/domain/client-totp.test.ts
// explains: the project that checks tests/ may not list client files.
interface ClientTotp {
  importCardSecret(secretBase32: string): Promise<object | null>
  totpAt(key: object, timestampMs: number, period: number): Promise<string>
}
const CLIENT_TOTP = '../../client/lib/totp.ts'
const { importCardSecret, totpAt } = (await import(/* @vite-ignore */ CLIENT_TOTP)) as ClientTotp

let dir: string
let account: ServiceAccount
let google: Awaited<ReturnType<typeof startGoogle>>
let t: TestApp

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-google-'))
  account = makeServiceAccount(dir)
  google = await startGoogle(account)
})
afterAll(async () => {
  await google.close()
  fs.rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  t = await makeTestApp(google.env(account.file))
  google.objects.clear()
  google.classes.clear()
  google.state.fail = 0
})
afterEach(() => t.close())

async function memberInGoogleWallet() {
  const m = await merchantWithOwner(t)
  const { client, card } = await joinedCustomer(t, m.slug, 'Ada Lovelace')
  const res = await client.post(`/api/me/cards/${card.id}/wallet/google`)
  expect(res.status).toBe(200)
  const objectId = [...google.objects.keys()][0]!
  return { ...m, client, card, url: res.body.url as string, objectId }
}

type Obj = {
  classId: string
  loyaltyPoints: { balance: { int: number } }
  rotatingBarcode: {
    valuePattern: string
    totpDetails: { algorithm: string; periodMillis: string; parameters: Array<{ key: string; valueLength: number }> }
  }
}
const object = (id: string) => google.objects.get(id) as unknown as Obj

/** What Google draws: RFC 6238 over HMAC-SHA1 with the object's hex key, into the value pattern. */
function googleDraws(o: Obj, atMs: number): string {
  const { key, valueLength } = o.rotatingBarcode.totpDetails.parameters[0]!
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / Number(o.rotatingBarcode.totpDetails.periodMillis))))
  const h = createHmac('sha1', Buffer.from(key, 'hex')).update(counter).digest()
  const off = h[h.length - 1]! & 0xf
  const n = (h.readUInt32BE(off) & 0x7fffffff) % 10 ** valueLength
  return o.rotatingBarcode.valuePattern.replace('{totp_value_0}', String(n).padStart(valueLength, '0'))
}

describe('Google Wallet', () => {
  it("creates the business's class and the card's object with its balance and rotating barcode", async () => {
    const { merchantId, card, objectId } = await memberInGoogleWallet()
    const cls = google.classes.get(`${ISSUER_ID}.m-${merchantId}`)
    expect(cls).toMatchObject({
      hexBackgroundColor: '#123456',
      programLogo: { sourceUri: { uri: expect.any(String) } },
    })
    expect(object(objectId)).toMatchObject({
      classId: `${ISSUER_ID}.m-${merchantId}`,
      state: 'ACTIVE',
      accountId: card.cardNumber,
      accountName: 'Ada Lovelace',
      loyaltyPoints: { balance: { int: 0 } },
      rotatingBarcode: {
        type: 'QR_CODE',
        valuePattern: `LW1:${card.cardNumber}:{totp_value_0}`,
        totpDetails: { algorithm: 'TOTP_SHA1', periodMillis: '30000', parameters: [{ valueLength: 6 }] },
      },
    })
  })

  it("labels a member's object in their stored language, the others as translations, and follows Settings", async () => {
    const m = await merchantWithOwner(t)
    const client = t.client()
    const join = await client.post('/api/join', { slug: m.slug, name: 'Ádám Kovács', locale: 'hu' })
    expect(join.status).toBe(201)
    expect((await client.post(`/api/me/cards/${join.body.card.id}/wallet/google`)).status).toBe(200)
    const objectId = [...google.objects.keys()][0]!
    type Localized = { defaultValue: { language: string; value: string }; translatedValues: object[] }
    const points = () =>
      (google.objects.get(objectId) as unknown as { loyaltyPoints: { label: string; localizedLabel: Localized } })
        .loyaltyPoints
    expect(points().label).toBe('Pontok')
    expect(points().localizedLabel.defaultValue).toEqual({ language: 'hu', value: 'Pontok' })
    expect(points().localizedLabel.translatedValues).toEqual([
      { language: 'en', value: 'Points' },
      { language: 'pl', value: 'Punkty' },
      { language: 'ro', value: 'Puncte' },
      { language: 'zh-Hant', value: '點數' },
    ])
    // The business's class (shared by its members) speaks the business's default language, English here.
    expect(google.classes.get(`${ISSUER_ID}.m-${m.merchantId}`)).toMatchObject({
      localizedRewardsTier: { defaultValue: { language: 'en', value: 'Tier' } },
    })

    expect((await client.req('PUT', '/api/me/locale', { locale: 'zh-Hant' })).status).toBe(200)
    expect(await new WalletSender(t.deps).drain()).toMatchObject({ sent: 1 })
    expect(points().localizedLabel.defaultValue).toEqual({ language: 'zh-Hant', value: '點數' })
  })

  it('gives a save link whose JWT verifies with the service account key, names the object only and carries no secret', async () => {
    const { url, objectId, card } = await memberInGoogleWallet()
    expect(url.startsWith('https://pay.google.test/gp/v/save/')).toBe(true)
    const jwt = url.split('/').pop()!
    const { payload, protectedHeader } = await jwtVerify(jwt, await importSPKI(account.publicPem, 'RS256'), {
      issuer: account.clientEmail,
      audience: 'google',
    })
    expect(protectedHeader.alg).toBe('RS256')
    expect(payload).toMatchObject({ typ: 'savetowallet', origins: ['http://localhost:3000'] })
    expect(payload.payload).toEqual({ loyaltyObjects: [{ id: objectId }] })
    const text = JSON.stringify(decodeJwt(jwt))
    expect(text).not.toContain(card.totpSecret)
    expect(text).not.toContain(object(objectId).rotatingBarcode.totpDetails.parameters[0]!.key)
  })

  it("draws the PWA's code at 100 random steps, and the till accepts a drawn code once", async () => {
    const { card, objectId, owner } = await memberInGoogleWallet()
    const pwa = (await importCardSecret(card.totpSecret))!
    const now = t.clock.now().getTime()
    for (let i = 0; i < 100; i++) {
      // Any step within about ten years either way, any moment within it.
      const at = now + Math.round((Math.random() - 0.5) * 2 * 10_000_000) * 30_000 + Math.floor(Math.random() * 30_000)
      expect(googleDraws(object(objectId), at)).toBe(qrPayload(card.cardNumber, await totpAt(pwa, at, 30)))
    }
    const code = googleDraws(object(objectId), now)
    expect((await owner.post('/api/staff/scan', { code })).status).toBe(200)
    const again = await owner.post('/api/staff/scan', { code })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('code_used')
  })

  it('patches the object after awards through the outbox, once, retrying a 503', async () => {
    const { card, objectId, owner } = await memberInGoogleWallet()
    await earn(t, owner, card, 1000)
    await earn(t, owner, card, 1400)
    expect(await get(t.db, 'select count(*) as n from wallet_outbox')).toEqual({ n: 1 })
    google.state.fail = 1
    const sender = new WalletSender(t.deps)
    expect(await sender.drain()).toMatchObject({ sent: 0, retried: 1 })
    t.clock.advance(backoffMs(1))
    expect(await sender.drain()).toMatchObject({ sent: 1 })
    expect(object(objectId).loyaltyPoints.balance.int).toBe(24)
    expect(await sender.drain()).toMatchObject({ sent: 0 })
    const patches = google.calls.filter((c) => c.method === 'PATCH' && c.path.includes('loyaltyObject'))
    expect(patches.length).toBeGreaterThan(0)
    const figures = await owner.get('/api/merchant/wallet')
    expect(figures.body).toMatchObject({ google: { configured: true, passes: 1 }, lastUpdate: { status: 'sent' } })
  })

  it("rotates the object's key when a device is signed out and the card's secret rotates", async () => {
    const { card, objectId, client } = await memberInGoogleWallet()
    const before = object(objectId).rotatingBarcode.totpDetails.parameters[0]!.key
    // The same wallet on a second phone, which this one signs out.
    const { customer_id } = (await get(t.db, 'select customer_id from cards where id = ?', card.id))!
    await openSession(t.deps, { kind: 'customer', customerId: customer_id }, 'other phone')
    expect((await client.post('/api/me/devices/sign-out-others')).status).toBeLessThan(300)
    await new WalletSender(t.deps).drain()
    const after = object(objectId).rotatingBarcode.totpDetails.parameters[0]!.key
    expect(after).not.toBe(before)
    const fresh = (await client.get(`/api/me/cards/${card.id}`)).body
    const secret = (fresh.card ?? fresh).totpSecret as string
    const pwa = (await importCardSecret(secret))!
    const now = t.clock.now().getTime()
    expect(googleDraws(object(objectId), now)).toBe(qrPayload(card.cardNumber, await totpAt(pwa, now, 30)))
  })
})
