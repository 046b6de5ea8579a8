import { importPKCS8, SignJWT } from 'jose'
import type { GoogleCredentials } from './credentials.js'

/**
 * The Google Wallet REST API with the operator's service account: an OAuth token from a signed
 * RS256 assertion (kept until shortly before it expires), and the class and object calls. Every
 * host is configuration (GOOGLE_WALLET_API_URL, GOOGLE_OAUTH_TOKEN_URL, GOOGLE_WALLET_SAVE_URL).
 */
const SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer'
const TIMEOUT_MS = 15_000

export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const tokens = new WeakMap<GoogleCredentials, { token: string; until: number }>()

async function signingKey(creds: GoogleCredentials) {
  return importPKCS8(creds.privateKeyPem, 'RS256')
}

async function accessToken(creds: GoogleCredentials, now: number): Promise<string> {
  const held = tokens.get(creds)
  if (held && held.until > now) return held.token
  const iat = Math.floor(now / 1000)
  const assertion = await new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(creds.clientEmail)
    .setAudience(creds.tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(await signingKey(creds))
  const res = await fetch(creds.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  if (!res.ok) throw new GoogleApiError(res.status, `token: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`)
  const body = (await res.json()) as { access_token: string; expires_in?: number }
  tokens.set(creds, { token: body.access_token, until: now + ((body.expires_in ?? 3600) - 60) * 1000 })
  return body.access_token
}

async function call(creds: GoogleCredentials, method: string, path: string, body?: unknown): Promise<Response> {
  const token = await accessToken(creds, Date.now())
  const res = await fetch(`${creds.apiUrl}/walletobjects/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  // A token revoked early is fetched again on the next call.
  if (res.status === 401) tokens.delete(creds)
  return res
}

async function ok(res: Response, what: string): Promise<void> {
  if (res.ok) return void (await res.text())
  throw new GoogleApiError(res.status, `${what}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`)
}

/**
 * Brings the resource up to date (PATCH), or creates it when Google has none yet (404); an insert
 * that lost a race to another process's (409) is patched after all.
 */
async function upsert(creds: GoogleCredentials, resource: string, body: { id: string }): Promise<void> {
  const path = `${resource}/${encodeURIComponent(body.id)}`
  const res = await call(creds, 'PATCH', path, body)
  if (res.status !== 404) return ok(res, `${resource} patch`)
  await res.text()
  const created = await call(creds, 'POST', resource, body)
  if (created.status !== 409) return ok(created, `${resource} insert`)
  await created.text()
  return ok(await call(creds, 'PATCH', path, body), `${resource} patch`)
}

export const upsertLoyaltyClass = (creds: GoogleCredentials, body: { id: string }) =>
  upsert(creds, 'loyaltyClass', body)
export const upsertLoyaltyObject = (creds: GoogleCredentials, body: { id: string }) =>
  upsert(creds, 'loyaltyObject', body)

/**
 * The "Save to Google Wallet" link: a JWT signed with the service account's key that names the
 * object by id only; the object (and the card's secret in it) stays between us and Google.
 */
export async function saveUrl(creds: GoogleCredentials, objectId: string, origin: string): Promise<string> {
  const jwt = await new SignJWT({
    typ: 'savetowallet',
    origins: [origin],
    payload: { loyaltyObjects: [{ id: objectId }] },
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(creds.clientEmail)
    .setAudience('google')
    .setIssuedAt()
    .sign(await signingKey(creds))
  return `${creds.saveUrl}/gp/v/save/${jwt}`
}
