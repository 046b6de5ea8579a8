import { writeTx } from '../../server/db/connection.js'
import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { qrPayload } from '../../server/contract/card-code.js'
import { insertStaff } from '../../server/db/queries/people.js'
import { codeAt } from '../../server/domain/rotating-code.js'
import { newId } from '../../server/domain/ids.js'
import { hashPassword } from '../../server/services/console/passwords.js'
import { createMerchant } from '../../server/services/console/setup.js'
import type { TestApp, TestClient } from './test-app.js'

let seq = 0
export const PASSWORD = 'correct horse battery'

/** A merchant with an owner; returns the ids and a signed-in owner client. */
export async function merchantWithOwner(
  t: TestApp,
  over: { slug?: string; pointsPerUnit?: number; unitMinor?: number; email?: string } = {},
) {
  seq++
  const slug = over.slug ?? `shop-${seq}`
  const email = over.email ?? `owner-${seq}@${slug}.test`
  const { merchantId, ownerId } = await createMerchant(
    t.db,
    {
      slug,
      name: `Shop ${seq}`,
      currency: 'EUR',
      timezone: 'Europe/Warsaw',
      brandColor: '#123456',
      pointsPerUnit: over.pointsPerUnit ?? 1,
      unitMinor: over.unitMinor ?? 100,
      owner: { name: 'Owner', email, password: PASSWORD },
    },
    t.clock.now(),
  )
  const owner = await staffClient(t, email)
  return { slug, merchantId, ownerId, owner, ownerEmail: email }
}

export async function addStaff(t: TestApp, merchantId: string, role: 'manager' | 'cashier') {
  return (await addStaffMember(t, merchantId, role)).client
}

/** A staff member with a password, signed in: their client, id and email. */
export async function addStaffMember(t: TestApp, merchantId: string, role: 'owner' | 'manager' | 'cashier') {
  seq++
  const email = `${role}-${seq}@staff.test`
  const id = newId()
  const passwordHash = await hashPassword(PASSWORD)
  await writeTx(t.db, (tx) =>
    insertStaff(tx, {
      id,
      merchant_id: merchantId,
      email,
      name: `${role} ${seq}`,
      role,
      password_hash: passwordHash,
      created_at: t.clock.now().toISOString(),
    }),
  )
  return { client: await staffClient(t, email), id, email }
}

export async function staffClient(t: TestApp, email: string): Promise<TestClient> {
  const c = t.client()
  const res = await c.post('/api/staff/login', { email, password: PASSWORD })
  expect(res.status).toBe(200)
  return c
}

/** A customer who joined `slug`; returns their client and card. */
export async function joinedCustomer(t: TestApp, slug: string, name = 'Ada', client = t.client()) {
  const res = await client.post('/api/join', { slug, name })
  expect(res.status).toBeLessThan(300)
  return { client, card: res.body.card as { id: string; cardNumber: string; totpSecret: string; balance: number } }
}

/** The code the customer's phone shows right now (or `offsetSteps` steps away). */
export function currentCode(t: TestApp, card: { cardNumber: string; totpSecret: string }, offsetSteps = 0) {
  const at = new Date(t.clock.now().getTime() + offsetSteps * 30_000)
  return qrPayload(card.cardNumber, codeAt(card.totpSecret, at))
}

/** Scan the card at the till (at a location, when given); returns the handle. */
export async function scan(
  t: TestApp,
  staff: TestClient,
  card: { cardNumber: string; totpSecret: string },
  locationId?: string,
) {
  const res = await staff.post('/api/staff/scan', { code: currentCode(t, card), locationId })
  expect(res.status).toBe(200)
  t.clock.advance(30_000) // the next scan needs the next code
  return res.body.handle as string
}

export const idemKey = () => `test-${randomUUID()}`

/**
 * A merchant (10 points per unit) with a POS API key and one member: `earn` posts to the POS API
 * with a fresh Idempotency-Key unless given one (and another key string to try, if given);
 * `actor` is who that key acts as, for calling the use case directly.
 */
export async function posTill(t: TestApp) {
  const m = await merchantWithOwner(t, { pointsPerUnit: 10 })
  const created = await m.owner.post('/api/merchant/api-keys', { name: 'Till 1' })
  const apiKey = created.body as { id: string; key: string }
  const { card } = await joinedCustomer(t, m.slug)
  const pos = t.client()
  const earn = (body: unknown, key = idemKey(), bearer = apiKey.key) =>
    pos.post('/api/pos/v1/earn', body, { authorization: `Bearer ${bearer}`, 'idempotency-key': key })
  const actor = { merchantId: m.merchantId, staffId: null, apiKeyId: apiKey.id, role: 'pos' as const }
  return { ...m, apiKey, actor, card, earn }
}
