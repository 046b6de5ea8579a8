import http from 'node:http'
import https from 'node:https'
import webpush from 'web-push'
import { MAX_PAYLOAD_BYTES, payloadBytes } from '../domain/push-rules.js'
import { encryptOne } from './encrypt-pool.js'
import type { VapidKeys } from './vapid.js'

/*
 * The Web Push transport: HTTP to push services, VAPID headers and Retry-After. It knows nothing of
 * the outbox or the database (services/push/sender.ts decides what to send and records what happened).
 */

/** The VAPID JWT is signed once per push-service origin and reused for up to an hour. */
export const JWT_REUSE_MS = 60 * 60_000
export const REQUEST_TIMEOUT_MS = 15_000
const DEFAULT_RETRY_AFTER_MS = 60_000
const RETRY_AFTER_CAP_MS = 60 * 60_000

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: Uint8Array | null; timeoutMs: number },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
}

/**
 * POST over node:http(s) with keep-alive, headers and body in one write. (The global fetch
 * measured 10x slower here on a local endpoint: it writes the body separately.)
 */
export const nodeFetch: FetchLike = (url, init) =>
  new Promise((resolve, reject) => {
    const u = new URL(url)
    const mod = u.protocol === 'https:' ? https : http
    const agent = u.protocol === 'https:' ? agents['https:'] : agents['http:']
    const headers: Record<string, string> = { ...init.headers, 'content-length': String(init.body?.length ?? 0) }
    const req = mod.request(u, { method: init.method, headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const get = (name: string) => {
          const v = res.headers[name.toLowerCase()]
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: { get },
          text: async () => Buffer.concat(chunks).toString('utf8'),
        })
      })
    })
    req.setTimeout(init.timeoutMs, () => req.destroy(new Error(`no answer in ${init.timeoutMs} ms`)))
    req.on('error', reject)
    req.setNoDelay(true)
    req.end(init.body ? Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength) : undefined)
  })

/** Milliseconds to wait from a Retry-After header (seconds or an HTTP date). */
export function retryAfterMs(header: string | null, now: Date): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS
  const secs = Number(header)
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, RETRY_AFTER_CAP_MS)
  const at = Date.parse(header)
  if (Number.isFinite(at)) return Math.min(Math.max(at - now.getTime(), 0), RETRY_AFTER_CAP_MS)
  return DEFAULT_RETRY_AFTER_MS
}

/** VAPID Authorization headers, one per push-service origin, each reused for JWT_REUSE_MS. */
export class VapidSigner {
  private readonly jwt = new Map<string, { header: string; at: number }>()
  /** How many VAPID JWTs were signed (the reuse is what keeps this small). */
  signed = 0

  constructor(
    private readonly subject: string,
    private readonly keys: VapidKeys,
  ) {}

  authorization(endpoint: string, nowMs: number): string {
    const origin = new URL(endpoint).origin
    const hit = this.jwt.get(origin)
    if (hit && nowMs - hit.at < JWT_REUSE_MS && nowMs >= hit.at) return hit.header
    // The JWT itself is valid for 12 hours of wall time; we only reuse it for one.
    const header = vapidAuthorization(origin, this.subject, this.keys)
    this.signed++
    this.jwt.set(origin, { header, at: nowMs })
    return header
  }

  /** A push service refused our JWT (401/403): sign a new one next time. */
  forget(endpoint: string): void {
    this.jwt.delete(new URL(endpoint).origin)
  }
}

/** A freshly signed VAPID Authorization header for one push-service origin. */
function vapidAuthorization(origin: string, subject: string, keys: VapidKeys): string {
  return (
    webpush.getVapidHeaders(origin, subject, keys.publicKey, keys.privateKey, 'aes128gcm') as { Authorization: string }
  ).Authorization
}

/**
 * One push straight to one device, outside the member outbox: staff alert pushes (issue 6), which
 * are few, not marketing, and go to staff devices the outbox (keyed by member cards) does not hold.
 * Returns the push service's status (0: no answer); 404/410 mean the device is gone.
 */
export async function sendOnce(
  vapid: { subject: string; keys: VapidKeys },
  sub: { endpoint: string; p256dh: string; auth: string },
  payload: string,
  opts: { ttl: number; urgency: 'very-low' | 'low' | 'normal' | 'high'; topic: string },
  fetch: FetchLike = nodeFetch,
): Promise<number> {
  if (payloadBytes(payload) > MAX_PAYLOAD_BYTES) throw new Error(`push payload over ${MAX_PAYLOAD_BYTES} bytes`)
  const authorization = vapidAuthorization(new URL(sub.endpoint).origin, vapid.subject, vapid.keys)
  const details = encryptOne({ ...sub, payload, authorization, ...opts })
  if (!details.ok) throw new Error(details.error)
  try {
    const res = await fetch(details.endpoint, {
      method: 'POST',
      headers: details.headers,
      body: details.body,
      timeoutMs: REQUEST_TIMEOUT_MS,
    })
    await res.text().catch(() => '')
    return res.status
  } catch {
    return 0
  }
}
