import { ApiError } from '../api/errors.js'

/**
 * An idempotency key for one user action. crypto.randomUUID exists only in secure contexts
 * (https, localhost); a till phone on plain http over the LAN still needs a key.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && globalThis.isSecureContext) return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * One Idempotency-Key per user action. `keyFor(action)` makes a new key, unless the same action
 * (same fingerprint: kind and body) is being retried after a failure that may not have reached the
 * server (network error, 5xx): then it gives the same key again, so the server replays its first
 * answer instead of doing the action twice. `settle(e)` after each try ends the action unless `e`
 * is worth retrying.
 */
export function actionKeys() {
  let open: { action: string; key: string } | null = null
  return {
    keyFor(action: string): string {
      if (open?.action !== action) open = { action, key: newIdempotencyKey() }
      return open.key
    },
    settle(e?: unknown): void {
      if (!(e instanceof ApiError && e.retryable)) open = null
    },
  }
}
