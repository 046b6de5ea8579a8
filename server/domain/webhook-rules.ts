import { createHmac, randomBytes } from 'node:crypto'

/*
 * The rules of webhook delivery, as pure functions over plain values (docs/webhooks.md). Signing
 * follows Standard Webhooks (standardwebhooks.com): the signed content is `id.timestamp.body`, the
 * key is the base64 part of the `whsec_` secret, the header `v1,<base64 HMAC-SHA256>`, several
 * signatures separated by spaces.
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Waits before each retry after a failed attempt: ~27 hours in all, then the delivery fails. */
export const RETRY_SCHEDULE_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]
/** Attempts a delivery gets: the first and one per step of the schedule. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1
/** Up to this share is added to each wait, so a receiver that came back is not hit by every retry at once. */
export const JITTER = 0.1
/** Each request's time limit, connection to the last byte of the answer. */
export const REQUEST_TIMEOUT_MS = 15 * SECOND
/** An endpoint with no success for this long (and failing still) is disabled, and its owner told. */
export const DISABLE_AFTER_FAILING_MS = 5 * DAY
/** How long the previous secret keeps signing after a rotation, unless the owner says otherwise. */
export const ROTATION_GRACE_MS = DAY
/** The longest Retry-After honoured; a longer one waits this long. */
export const MAX_RETRY_AFTER_MS = DAY

/** A stable number in [0, 1) from a text: the jitter of a delivery's nth retry is the same on every process. */
function unitHash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return (h >>> 0) / 2 ** 32
}

/**
 * How long to wait after the `attempts`th failed attempt of a delivery, or null when it has had
 * all its attempts. The jitter comes from the delivery id, so tests (and people) can work it out.
 */
export function retryDelayMs(attempts: number, deliveryId: string): number | null {
  const base = RETRY_SCHEDULE_MS[attempts - 1]
  if (base === undefined) return null
  return Math.round(base * (1 + JITTER * unitHash(`${deliveryId}:${attempts}`)))
}

/** What a 429's Retry-After asks for (seconds or an HTTP date), capped; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (!header) return null
  const v = header.trim()
  if (/^\d+$/.test(v)) return Math.min(Number(v) * SECOND, MAX_RETRY_AFTER_MS)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return null
  return Math.min(Math.max(at - now.getTime(), 0), MAX_RETRY_AFTER_MS)
}

/** Whether an endpoint failing since `failingSince` has failed long enough to be disabled. */
export const failingTooLong = (failingSince: string | null, now: Date): boolean =>
  failingSince !== null && now.getTime() - Date.parse(failingSince) >= DISABLE_AFTER_FAILING_MS

/** A new signing secret: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`

/** The HMAC key a `whsec_` secret stands for. */
export const secretKey = (secret: string): Buffer => Buffer.from(secret.replace(/^whsec_/, ''), 'base64')

/** One `v1,<base64>` signature of `id.timestamp.body`. */
export const signature = (secret: string, id: string, timestampSeconds: number, body: string): string =>
  `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`

/** The Standard Webhooks headers: one signature per secret in force (two during a rotation). */
export function webhookHeaders(secrets: string[], id: string, now: Date, body: string): Record<string, string> {
  const ts = Math.floor(now.getTime() / SECOND)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': secrets.map((s) => signature(s, id, ts, body)).join(' '),
  }
}
