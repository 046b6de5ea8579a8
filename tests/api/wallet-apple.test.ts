import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { WalletSender } from '../../server/services/wallet/sender.js'
import { earn } from '../helpers/account.js'
import { countOf, get } from '../helpers/db.js'
import { idemKey, joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'
import {
  appleEnv,
  makeTestPki,
  PASS_TYPE_ID,
  startApns,
  unzip,
  verifiesWithOpenssl,
  type TestPki,
} from '../helpers/wallet.js'

let pki: TestPki
let apns: Awaited<ReturnType<typeof startApns>>
const gone = new Set<string>()
let t: TestApp

beforeAll(async () => {
  pki = makeTestPki()
  apns = await startApns(pki, (token) => (gone.has(token) ? 410 : 200))
})
afterAll(async () => {
  await apns.close()
  pki.close()
})
beforeEach(async () => {
  t = await makeTestApp(appleEnv(pki, apns.url))
  apns.pushes.length = 0
  gone.clear()
})
afterEach(() => t.close())

async function memberWithPass() {
  const m = await merchantWithOwner(t)
  const { client, card } = await joinedCustomer(t, m.slug, 'Ada Lovelace')
  const res = await client.req('GET', `/api/me/cards/${card.id}/wallet/apple.pkpass`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/vnd.apple.pkpass')
  return { ...m, client, card }
}

/** The .pkpass bytes (TestClient reads text: fetch the route through the app for the bytes). */
async function pkpass(client: TestClient, cardId: string): Promise<Buffer> {
  const cookie = `lw_c=${client.cookie('lw_c')}`
  const res = await t.app.request(`http://localhost:3000/api/me/cards/${cardId}/wallet/apple.pkpass`, {
    headers: { cookie },
  })
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

const service = (path: string) => `/api/wallet/apple/v1${path}`
const auth = (token: string) => ({ authorization: `ApplePass ${token}` })

describe('the signed .pkpass', () => {
  it('carries a manifest whose hashes match its files and a signature that verifies against the test CA', async () => {
    const { client, card } = await memberWithPass()
    const files = unzip(await pkpass(client, card.id))
    const manifest = JSON.parse(files['manifest.json']!.toString()) as Record<string, string>
    for (const name of Object.keys(files).filter((n) => n !== 'manifest.json' && n !== 'signature')) {
      expect(manifest[name], name).toBe(createHash('sha1').update(files[name]!).digest('hex'))
    }
    expect(Object.keys(manifest)).toEqual(expect.arrayContaining(['pass.json', 'icon.png', 'logo.png']))
    expect(verifiesWithOpenssl(pki, files.signature!, files['manifest.json']!)).toBe(true)

    const pass = JSON.parse(files['pass.json']!.toString())
    expect(pass).toMatchObject({
      passTypeIdentifier: PASS_TYPE_ID,
      teamIdentifier: 'ABCDE12345',
      webServiceURL: 'http://localhost:3000/api/wallet/apple',
      storeCard: {
        headerFields: [{ key: 'points', value: 0, changeMessage: 'changeMessage' }],
        secondaryFields: expect.arrayContaining([{ key: 'member', label: 'member', value: 'Ada Lovelace' }]),
      },
    })
    // A static code: finds the card and awards, never the rotating secret.
    expect(pass.barcodes[0].message).toMatch(new RegExp(`^LWP:${card.cardNumber}:[0-9A-Z]{10}$`))
    expect(files['pass.json']!.toString()).not.toContain(card.totpSecret)
    expect(files['en.lproj/pass.strings']!.toString()).toContain('You now have %@ points')
    expect(files['pl.lproj/pass.strings']!.toString()).toContain('Masz teraz %@ pkt')
    // Every language we speak: the iPhone shows the one it is set to.
    expect(files['ro.lproj/pass.strings']!.toString()).toContain('"points" = "Puncte";')
    expect(files['hu.lproj/pass.strings']!.toString()).toContain('"points" = "Pontok";')
    expect(files['hu.lproj/pass.strings']!.toString()).toContain('"howTo" = "A kártya használata";')
    expect(files['zh-Hant.lproj/pass.strings']!.toString()).toContain('"changeMessage" = "你現在有 %@ 點";')
  })

  it('fails verification after a one-byte change to pass.json', async () => {
    const { client, card } = await memberWithPass()
    const files = unzip(await pkpass(client, card.id))
    const manifest = JSON.parse(files['manifest.json']!.toString()) as Record<string, string>
    const tampered = Buffer.from(files['pass.json']!)
    tampered[tampered.indexOf('Ada')] = 'E'.charCodeAt(0)
    // The manifest no longer matches the file, and a manifest rewritten to match breaks the signature.
    expect(createHash('sha1').update(tampered).digest('hex')).not.toBe(manifest['pass.json'])
    manifest['pass.json'] = createHash('sha1').update(tampered).digest('hex')
    expect(verifiesWithOpenssl(pki, files.signature!, Buffer.from(JSON.stringify(manifest)))).toBe(false)
  })
})

/** The serial and token of the card's pass, as a device would read them from pass.json. */
async function installed(client: TestClient, cardId: string) {
  const pass = JSON.parse(unzip(await pkpass(client, cardId))['pass.json']!.toString())
  return {
    serial: pass.serialNumber as string,
    token: pass.authenticationToken as string,
    code: pass.barcodes[0].message,
  }
}

describe('locations on the pass', () => {
  it('carries the locations with a map position (lock-screen relevance), at most 10', async () => {
    const m = await merchantWithOwner(t)
    for (let i = 0; i < 12; i++) {
      const res = await m.owner.post('/api/merchant/locations', {
        name: `Branch ${i}`,
        timezone: 'Europe/Warsaw',
        ...(i === 11 ? {} : { latitude: 52 + i / 100, longitude: 21 }),
      })
      expect(res.status).toBe(201)
    }
    const bad = await m.owner.post('/api/merchant/locations', { name: 'X', timezone: 'Europe/Warsaw', latitude: 52 })
    expect(bad.status).toBe(400)
    const { client, card } = await joinedCustomer(t, m.slug)
    const pass = JSON.parse(unzip(await pkpass(client, card.id))['pass.json']!.toString())
    expect(pass.locations).toHaveLength(10)
    expect(pass.locations[0]).toMatchObject({ latitude: 52, longitude: 21 })
  })
})

describe("Apple's web service", () => {
  it('registers (201, then 200), refuses a wrong token, lists updated serials, answers 304 or the pass, unregisters', async () => {
    const { client, card, owner } = await memberWithPass()
    const { serial, token } = await installed(client, card.id)
    const reg = service(`/devices/device-1/registrations/${PASS_TYPE_ID}/${serial}`)
    const anon = t.client()

    expect((await anon.post(reg, { pushToken: 'push-1' }, auth('wrong'))).status).toBe(401)
    expect((await anon.post(reg, { pushToken: 'push-1' }, auth(token))).status).toBe(201)
    expect((await anon.post(reg, { pushToken: 'push-1' }, auth(token))).status).toBe(200)

    const list = await anon.get(service(`/devices/device-1/registrations/${PASS_TYPE_ID}`))
    expect(list.status).toBe(200)
    expect(list.body.serialNumbers).toEqual([serial])
    const tag = list.body.lastUpdated as string
    expect(
      (await anon.get(service(`/devices/device-1/registrations/${PASS_TYPE_ID}?passesUpdatedSince=${tag}`))).status,
    ).toBe(204)

    const latest = service(`/passes/${PASS_TYPE_ID}/${serial}`)
    expect((await anon.get(latest, auth('wrong'))).status).toBe(401)
    const first = await anon.get(latest, auth(token))
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('application/vnd.apple.pkpass')
    const lastModified = first.headers.get('last-modified')!
    expect((await anon.get(latest, { ...auth(token), 'if-modified-since': lastModified })).status).toBe(304)

    // An award changes the pass: listed as updated since the tag, and served again (200) for the old date.
    t.clock.advance(5_000)
    await earn(t, owner, card, 2400)
    const after = await anon.get(service(`/devices/device-1/registrations/${PASS_TYPE_ID}?passesUpdatedSince=${tag}`))
    expect(after.body.serialNumbers).toEqual([serial])
    const fresh = await anon.get(latest, { ...auth(token), 'if-modified-since': lastModified })
    expect(fresh.status).toBe(200)

    expect((await anon.delete(reg)).status).toBe(401)
    expect((await anon.req('DELETE', reg, undefined, auth(token))).status).toBe(200)
    expect(await countOf(t.db, 'select count(*) as n from wallet_registrations')).toBe(0)
  })
})

describe('updates through APNs (HTTP/2, TLS, client certificate)', () => {
  async function twoDevices() {
    const m = await memberWithPass()
    const { serial, token } = await installed(m.client, m.card.id)
    for (const d of ['phone', 'watch']) {
      const res = await t
        .client()
        .post(
          service(`/devices/${d}/registrations/${PASS_TYPE_ID}/${serial}`),
          { pushToken: `token-${d}` },
          auth(token),
        )
      expect(res.status).toBe(201)
    }
    return m
  }

  it('pushes exactly once to each of two devices after an award, with the pass type as topic', async () => {
    const { owner, card } = await twoDevices()
    await earn(t, owner, card, 2400)
    const report = await new WalletSender(t.deps).drain()
    expect(report).toMatchObject({ sent: 2, failed: 0 })
    expect(apns.pushes.map((p) => p.token).sort()).toEqual(['token-phone', 'token-watch'])
    expect(apns.pushes.every((p) => p.topic === PASS_TYPE_ID && p.body === '{}' && p.client === PASS_TYPE_ID)).toBe(
      true,
    )
    expect(await new WalletSender(t.deps).drain()).toMatchObject({ sent: 0 })
    expect(apns.pushes).toHaveLength(2)
  })

  it('forgets a device that APNs answers 410 for', async () => {
    const { owner, card } = await twoDevices()
    gone.add('token-watch')
    await earn(t, owner, card, 2400)
    expect(await new WalletSender(t.deps).drain()).toMatchObject({ sent: 1, pruned: 1 })
    const left = await get(t.db, 'select push_token from wallet_registrations')
    expect(left).toEqual({ push_token: 'token-phone' })
  })

  it('still pushes once after a restart between the commit and the push', async () => {
    const { owner, card } = await twoDevices()
    await earn(t, owner, card, 2400) // committed; this "process" stops before its sender runs
    const restarted = await t.reopen()
    const deps = { ...t.deps, db: restarted.db }
    try {
      const sender = new WalletSender(deps)
      expect(await sender.recover()).toBe(0)
      expect(await sender.drain()).toMatchObject({ sent: 2 })
      expect(await sender.drain()).toMatchObject({ sent: 0 })
      sender.close()
    } finally {
      await restarted.close()
    }
    expect(apns.pushes).toHaveLength(2)
  })
})

describe('the static code at the till', () => {
  it('opens the card for an award, never for taking points', async () => {
    const { client, card, owner } = await memberWithPass()
    const { code } = await installed(client, card.id)
    const scanned = await owner.post('/api/staff/scan', { code })
    expect(scanned.status).toBe(200)
    expect(scanned.body.awardOnly).toBe(true)
    const handle = scanned.body.handle
    const award = await owner.post('/api/staff/earn', { handle, amountMinor: 1000 }, { 'idempotency-key': idemKey() })
    expect(award.status).toBe(201)
    const minus = await owner.post(
      '/api/staff/adjust',
      { handle, points: -5, reason: 'test' },
      { 'idempotency-key': idemKey() },
    )
    expect(minus.status).toBe(422)
    expect(minus.body.error.code).toBe('award_only_code')
    const wrong = await owner.post('/api/staff/scan', {
      code: code.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')),
    })
    expect(wrong.status).toBe(400)
  })
})

describe('privacy', () => {
  it('exports the pass and its devices without the token hash, removes them from Settings, and erases them with the account', async () => {
    const { client, card } = await memberWithPass()
    const { serial, token } = await installed(client, card.id)
    await t
      .client()
      .post(service(`/devices/d1/registrations/${PASS_TYPE_ID}/${serial}`), { pushToken: 'p1' }, auth(token))
    const exported = await client.get('/api/me/export')
    expect(exported.status).toBe(200)
    expect(exported.body.tables.wallet_passes).toEqual([expect.objectContaining({ id: serial, kind: 'apple' })])
    expect(exported.body.tables.wallet_passes[0]).not.toHaveProperty('auth_token_hash')
    expect(exported.body.tables.wallet_registrations).toEqual([expect.objectContaining({ push_token: 'p1' })])

    expect((await client.delete(`/api/me/cards/${card.id}/wallet`)).status).toBe(204)
    expect(await countOf(t.db, 'select count(*) as n from wallet_registrations')).toBe(0)
    expect(await countOf(t.db, 'select count(*) as n from wallet_passes')).toBe(0)

    await installed(client, card.id)
    expect((await client.post('/api/me/delete', { confirm: true })).status).toBeLessThan(300)
    expect(await countOf(t.db, 'select count(*) as n from wallet_passes')).toBe(0)
  })
})
