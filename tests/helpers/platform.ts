import type { ParsedMail } from 'mailparser'
import { expect } from 'vitest'
import type { TestApp, TestClient } from './test-app.js'

/** A sign-up form that passes every rule; override what a test is about. */
export function signupForm(over: Record<string, unknown> = {}) {
  return {
    businessName: 'Corner Café',
    kind: 'cafe',
    country: 'PL',
    currency: 'PLN',
    timezone: 'Europe/Warsaw',
    slug: 'corner-cafe',
    ownerName: 'Olga Owner',
    ownerEmail: 'olga@corner.test',
    ownerPassword: 'a long enough password',
    locale: 'en',
    ...over,
  }
}

/** The link of a given path (/business/verify, /staff/reset) in a received message, and its token. */
export function tokenLinkIn(mail: ParsedMail, path: string): { url: string; token: string } {
  const m = new RegExp(`(http://localhost:3000${path}\\?token=([A-Za-z0-9_-]+))`).exec(mail.text ?? '')
  expect(m, `a ${path} link in the message`).not.toBeNull()
  return { url: m![1]!, token: m![2]! }
}

/** Creates locations through the owner's console; returns their ids in order. */
export async function addLocations(owner: TestClient, names: string[], tz = 'Europe/Warsaw'): Promise<string[]> {
  const ids: string[] = []
  for (const name of names) {
    const res = await owner.post('/api/merchant/locations', { name, address: `${name} street 1`, timezone: tz })
    expect(res.status).toBe(201)
    ids.push(res.body.id)
  }
  return ids
}

export async function assignLocations(owner: TestClient, staffId: string, locationIds: string[]) {
  const res = await owner.req('PUT', `/api/merchant/staff/${staffId}/locations`, { locationIds })
  expect(res.status).toBe(200)
}

/** A client whose requests come from this address (the app must trust X-Forwarded-For: TRUST_PROXY=1). */
export function from(t: TestApp, address: string, client: TestClient = t.client()) {
  const headers = { 'x-forwarded-for': address }
  return {
    client,
    post: <T = any>(url: string, body?: unknown) => client.post<T>(url, body, headers),
    get: <T = any>(url: string) => client.get<T>(url, headers),
  }
}
