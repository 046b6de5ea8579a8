import { randomInt, webcrypto } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TOTP_PERIOD_SECONDS } from '../../server/contract/card-code.js'
import { codeAt, newTotpSecret } from '../../server/domain/rotating-code.js'

// The card's code as the phone draws it (client/lib/totp.ts: WebCrypto HMAC-SHA-1 with a
// non-extractable key; Node has the same crypto.subtle), checked against RFC 6238 and against the
// server's code (otpauth over node:crypto).
//
// client/ is its own TypeScript project (client/tsconfig.json checks this module's types); the project
// that checks tests/ (server/tsconfig.json) may not list client files, so the module is loaded by a
// computed specifier and typed here by what the test calls.
type CryptoKey = webcrypto.CryptoKey
interface ClientTotp {
  importCardSecret(secretBase32: string): Promise<CryptoKey | null>
  totpAt(key: CryptoKey, timestampMs: number, period: number, digits?: number): Promise<string>
}
const CLIENT_TOTP = '../../client/lib/totp.ts'
const { importCardSecret, totpAt } = (await import(/* @vite-ignore */ CLIENT_TOTP)) as ClientTotp

// RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890", 8 digits, 30 s steps.
const RFC_SECRET_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const RFC_VECTORS: Array<[seconds: number, code: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

describe("the card's rotating code on the device", () => {
  it.each(RFC_VECTORS)('matches the RFC 6238 SHA-1 vector at T=%i', async (seconds, expected) => {
    const key = (await importCardSecret(RFC_SECRET_BASE32))!
    expect(await totpAt(key, seconds * 1000, 30, 8)).toBe(expected)
  })

  it('draws the code the server expects, for many secrets and random steps', async () => {
    for (let i = 0; i < 50; i++) {
      const secret = newTotpSecret()
      const key = (await importCardSecret(secret))!
      for (let j = 0; j < 40; j++) {
        // Any instant from 1970 to about 2096, to the millisecond.
        const at = randomInt(0, 2 ** 42)
        expect(await totpAt(key, at, TOTP_PERIOD_SECONDS)).toBe(codeAt(secret, new Date(at)))
      }
    }
  })

  it('keeps one code for the whole step', async () => {
    const key = (await importCardSecret(newTotpSecret()))!
    const stepStart = 1_773_144_000_000 // a multiple of 30 s
    expect(await totpAt(key, stepStart + TOTP_PERIOD_SECONDS * 1000 - 1, TOTP_PERIOD_SECONDS)).toBe(
      await totpAt(key, stepStart, TOTP_PERIOD_SECONDS),
    )
  })

  it('holds the secret in a key no script can export', async () => {
    const key = (await importCardSecret(newTotpSecret()))!
    expect(key.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow()
  })

  it('draws no code for a secret that is not base32', async () => {
    expect(await importCardSecret('not base32!')).toBeNull()
    expect(await importCardSecret('')).toBeNull()
  })
})
