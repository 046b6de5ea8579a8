import { expect } from 'vitest'
import type { TestApp, TestClient } from './test-app.js'
import { get } from './db.js'

/** A member who joined with a birthday and marketing consent; returns the client and card id. */
export async function member(
  t: TestApp,
  slug: string,
  over: { name?: string; birthday?: string; marketingConsent?: boolean } = {},
  client: TestClient = t.client(),
) {
  const res = await client.post('/api/join', {
    slug,
    name: over.name ?? 'Ada Lovelace',
    birthday: over.birthday,
    marketingConsent: over.marketingConsent ?? true,
  })
  expect(res.status).toBe(201)
  return {
    client,
    cardId: res.body.card.id as string,
    cardNumber: res.body.card.cardNumber as string,
    totpSecret: res.body.card.totpSecret as string,
  }
}

let deviceSeq = 0
/** Registers a device for the member, as the browser would after pushManager.subscribe(). */
export async function addDevice(
  client: TestClient,
  sub?: { endpoint: string; keys: { p256dh: string; auth: string } },
) {
  deviceSeq++
  const body = sub ?? {
    endpoint: `https://push.example.test/device-${deviceSeq}`,
    // A real P-256 point is only needed when a push is really encrypted for it.
    keys: {
      p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    },
  }
  const res = await client.post('/api/me/push/subscriptions', { endpoint: body.endpoint, keys: body.keys })
  expect(res.status).toBe(201)
  return res.body.id as string
}

export const count = async (t: TestApp, sql: string, ...args: unknown[]) =>
  ((await get(t.db, sql, ...args)) as { n: number }).n
