/**
 * The card's rotating code on the device: RFC 6238 TOTP over HMAC-SHA-1, synchronous and offline.
 * otpauth's bare build with @noble/hashes' SHA-1 only: the full otpauth bundle brings every
 * SHA-2/SHA-3 variant along (about 9 kB gzipped), which the card route cannot afford, and WebCrypto's
 * HMAC is async. tests/domain/client-totp.test.ts checks it against the RFC vectors and the server.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha1 } from '@noble/hashes/legacy.js'
import { Secret, TOTP } from 'otpauth/bare'

/** otpauth's `hmac` option. Only SHA-1 is ever asked for (the card's TOTP is RFC 6238 SHA-1). */
function hmacSha1(algorithm: string, key: Uint8Array, message: Uint8Array): Uint8Array {
  if (algorithm.toUpperCase().replace('-', '') !== 'SHA1') throw new Error(`Unsupported HMAC algorithm: ${algorithm}`)
  return hmac(sha1, key, message)
}

/** A generator for a card's base32 secret, or null if the secret does not decode. */
export function cardTotp(secretBase32: string, period: number, digits = 6): TOTP | null {
  try {
    return new TOTP({ secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits, period, hmac: hmacSha1 })
  } catch {
    return null
  }
}

/** The code of the step that holds `timestampMs`. */
export function totpAt(generator: TOTP, timestampMs: number): string {
  return generator.generate({ timestamp: timestampMs })
}
