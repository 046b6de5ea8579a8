import { afterEach, describe, expect, it } from 'vitest'
import { qrPayload } from '../../server/contract/card-code.js'
import { codeAt } from '../../server/domain/rotating-code.js'
import { addStaffMember, currentCode, idemKey, joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { addLocations } from '../helpers/platform.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

/*
 * The authorization matrix of the platform's routes: business A's staff, an operator (who runs a
 * business of their own) and a customer try to read or change business B's locations, members,
 * settings and first run. Each must be refused, or see only their own.
 */

let t: TestApp
afterEach(() => t.close())

async function world() {
  t = await makeTestApp({ OPERATOR_EMAILS: 'op@platform.test' })
  const a = await merchantWithOwner(t, { slug: 'alpha' })
  const aCashier = await addStaffMember(t, a.merchantId, 'cashier')
  const b = await merchantWithOwner(t, { slug: 'bravo' })
  const [bLocation] = (await addLocations(b.owner, ['Bravo Main'])) as [string]
  const bCashier = await addStaffMember(t, b.merchantId, 'cashier')
  const op = await merchantWithOwner(t, { slug: 'ops', email: 'op@platform.test' })
  const member = await joinedCustomer(t, b.slug, 'Bea Member')
  return { a, aCashier, b, bLocation, bCashier, op: op.owner, member }
}

type W = Awaited<ReturnType<typeof world>>
interface Probe {
  name: string
  method: 'GET' | 'POST' | 'PUT'
  url: (w: W) => string
  body?: (w: W) => unknown
}

const probes: Probe[] = [
  {
    name: "edit B's location",
    method: 'PUT',
    url: (w) => `/api/merchant/locations/${w.bLocation}`,
    body: () => ({ name: 'Hijacked', timezone: 'UTC' }),
  },
  {
    name: "assign B's staff",
    method: 'PUT',
    url: (w) => `/api/merchant/staff/${w.bCashier.id}/locations`,
    body: () => ({ locationIds: [] }),
  },
  {
    name: "assign own staff to B's location",
    method: 'PUT',
    url: (w) => `/api/merchant/staff/${w.aCashier.id}/locations`,
    body: (w) => ({ locationIds: [w.bLocation] }),
  },
  { name: "B's location's insights", method: 'GET', url: (w) => `/api/merchant/insights?locationId=${w.bLocation}` },
  { name: "B's location's alerts", method: 'GET', url: (w) => `/api/merchant/alerts?locationId=${w.bLocation}` },
  {
    name: "B's location's members export",
    method: 'GET',
    url: (w) => `/api/merchant/exports/members.csv?locationId=${w.bLocation}`,
  },
  {
    name: "B's location's ledger export",
    method: 'GET',
    url: (w) => `/api/merchant/exports/ledger.csv?from=2026-03-01&to=2026-03-10&locationId=${w.bLocation}`,
  },
  {
    name: "a signup link at B's location",
    method: 'POST',
    url: () => '/api/merchant/signup-links',
    body: (w) => ({ campaign: 'Stolen', locationId: w.bLocation }),
  },
  {
    name: "a POS key at B's location",
    method: 'POST',
    url: () => '/api/merchant/api-keys',
    body: (w) => ({ name: 'Stolen', locationId: w.bLocation }),
  },
  { name: "B's member", method: 'GET', url: (w) => `/api/merchant/customers/${w.member.card.id}` },
  {
    name: "adjust B's member",
    method: 'POST',
    url: (w) => `/api/merchant/customers/${w.member.card.id}/adjust`,
    body: () => ({ points: 100, reason: 'free points' }),
  },
]

const send = (c: TestClient, p: Probe, w: W) =>
  c.req(p.method, p.url(w), p.body?.(w), p.method === 'GET' ? {} : { 'idempotency-key': idemKey() })

/** Each test builds its own world (t closes after each). */
let w: W

describe("business B's data", () => {
  it("is out of reach of business A's owner and of an operator's own business role", async () => {
    w = await world()
    for (const who of [w.a.owner, w.op]) {
      for (const p of probes) {
        const res = await send(who, p, w)
        expect([403, 404], `${p.name}: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status)
      }
    }
    // B's location is untouched.
    expect((await w.b.owner.get('/api/merchant/locations')).body.locations[0].name).toBe('Bravo Main')
  })

  it("is out of reach of A's cashier, of B's member and of anyone signed out", async () => {
    w = await world()
    for (const [who, allowed] of [
      [w.aCashier.client, [403, 404]],
      [w.member.client, [401]],
      [t.client(), [401]],
    ] as const) {
      for (const p of probes) {
        const res = await send(who, p, w)
        expect(allowed as readonly number[], `${p.name}: ${res.status}`).toContain(res.status)
      }
    }
  })

  it("never shows in A's own lists, and A's settings change A only", async () => {
    w = await world()
    const bJoin = await t.client().post('/api/join', { slug: 'bravo', name: 'Second Bravo' })
    expect(bJoin.status).toBe(201)
    const own = [
      await w.a.owner.get('/api/merchant/locations'),
      await w.a.owner.get('/api/merchant/insights/locations'),
      await w.a.owner.get('/api/merchant/customers'),
      await w.a.owner.get('/api/merchant/staff'),
      await w.a.owner.get('/api/merchant/first-run'),
    ]
    const text = JSON.stringify(own.map((r) => r.body))
    for (const secret of [w.bLocation, 'Bravo Main', 'Bea Member', 'Second Bravo', w.bCashier.email]) {
      expect(text).not.toContain(secret)
    }
    await w.a.owner.req('PUT', '/api/merchant/branding', {
      name: 'Alpha!',
      brandColor: '#000000',
      accentColor: '#ffffff',
    })
    await w.a.owner.post('/api/merchant/first-run/steps/poster', { skipped: false })
    expect((await w.b.owner.get('/api/merchant/branding')).body.name).not.toBe('Alpha!')
    const bSteps = (await w.b.owner.get('/api/merchant/first-run')).body.steps
    expect(bSteps.find((s: { step: string }) => s.step === 'poster').done).toBe(false)
  })

  it("keeps the till to each business: A's cashier cannot work at B's location, and A's practice card is no card at B", async () => {
    w = await world()
    const atB = await w.aCashier.client.post('/api/staff/scan', {
      code: currentCode(t, w.member.card),
      locationId: w.bLocation,
    })
    expect(atB.status).toBe(404)
    expect(atB.body.error.code).toBe('location_not_found')
    const practice = (await w.a.owner.get('/api/merchant/first-run/practice-card')).body
    const code = qrPayload(practice.cardNumber, codeAt(practice.totpSecret, t.clock.now()))
    const res = await w.b.owner.post('/api/staff/scan', { code })
    expect(res.body.error.code).toBe('code_invalid')
  })
})

describe('the new routes and who may use them', () => {
  it('refuses each route to the roles and principals it is not for', async () => {
    w = await world()
    const table: Array<[string, 'GET' | 'POST' | 'PUT', string, unknown, Array<[TestClient, number]>]> = [
      [
        'locations list',
        'GET',
        '/api/merchant/locations',
        undefined,
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'create a location',
        'POST',
        '/api/merchant/locations',
        { name: 'X', timezone: 'UTC' },
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'location activity',
        'GET',
        '/api/merchant/insights/locations',
        undefined,
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'first-run checklist',
        'GET',
        '/api/merchant/first-run',
        undefined,
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'template',
        'GET',
        '/api/merchant/first-run/templates/cafe',
        undefined,
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'practice card',
        'GET',
        '/api/merchant/first-run/practice-card',
        undefined,
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'go live',
        'POST',
        '/api/merchant/first-run/go-live',
        {},
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'mark a step',
        'POST',
        '/api/merchant/first-run/steps/poster',
        {},
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'resend verification',
        'POST',
        '/api/merchant/verification/resend',
        {},
        [
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'operator: businesses',
        'GET',
        '/api/operator/businesses',
        undefined,
        [
          [w.a.owner, 403],
          [w.aCashier.client, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'operator: suspend',
        'POST',
        `/api/operator/businesses/${w.b.merchantId}/suspend`,
        { reason: 'because' },
        [
          [w.a.owner, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'operator: export',
        'GET',
        `/api/operator/businesses/${w.b.merchantId}/export`,
        undefined,
        [
          [w.a.owner, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'operator: close',
        'POST',
        `/api/operator/businesses/${w.b.merchantId}/close`,
        {},
        [
          [w.a.owner, 403],
          [w.member.client, 401],
        ],
      ],
      [
        'operator: invites',
        'POST',
        '/api/operator/invites',
        {},
        [
          [w.a.owner, 403],
          [w.member.client, 401],
        ],
      ],
    ]
    for (const [name, method, url, body, expectations] of table) {
      for (const [who, status] of expectations) {
        const res = await who.req(method, url, body)
        expect(res.status, `${name}`).toBe(status)
      }
      const anon = await t.client().req(method, url, body)
      expect(anon.status, `${name} signed out`).toBe(401)
    }
    // Nothing was suspended or closed by any of them.
    expect((await w.b.owner.get('/api/staff/me')).body.merchant.status).toBe('live')
  })
})
