import { Secret, TOTP } from 'otpauth'
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../contract/card-code.js'
import { DomainError } from './errors.js'

/** RFC 6238 TOTP over HMAC-SHA1, as the card renders it on the device. */
function totp(secretBase32: string, digits = TOTP_DIGITS, period = TOTP_PERIOD_SECONDS): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits, period })
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

export function stepAt(now: Date, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(now.getTime() / 1000 / period)
}

export function codeAt(secretBase32: string, now: Date, digits = TOTP_DIGITS, period = TOTP_PERIOD_SECONDS): string {
  return totp(secretBase32, digits, period).generate({ timestamp: now.getTime() })
}

/** How far back we look only to tell a stale code ("expired") from a wrong one. */
const STALE_LOOKBACK_STEPS = 20

/**
 * Which TOTP step a presented code belongs to. The current step and one step either side
 * (clock skew) are accepted; an older one is "expired"; anything else is "invalid".
 * Whether the step was already used is the caller's check (one atomic UPDATE).
 */
export function verifyCode(secretBase32: string, code: string, now: Date): number {
  const t = totp(secretBase32)
  const delta = t.validate({ token: code, timestamp: now.getTime(), window: STALE_LOOKBACK_STEPS })
  if (delta === null || delta > 1) {
    throw new DomainError('code_invalid', 'This card code is not valid. Ask the customer to show the card again.')
  }
  if (delta < -1) {
    throw new DomainError('code_expired', 'This card code has expired. Ask the customer to show the current code.')
  }
  return stepAt(now) + delta
}
