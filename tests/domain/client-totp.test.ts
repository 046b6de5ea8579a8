import { randomInt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { TOTP_PERIOD_SECONDS } from '../../server/contract/card-code.js'
import { codeAt, newTotpSecret } from '../../server/domain/rotating-code.js'

// The card's code as the phone draws it (client/lib/totp.ts: otpauth/bare over @noble/hashes' SHA-1),
// checked against RFC 6238 and against the server's code (otpauth over node:crypto).
//
// client/ is its own TypeScript project (client/tsconfig.json checks this module's types); the project
// that checks tests/ (server/tsconfig.json) may not list client files, so the module is loaded by a
// computed specifier and typed here by what the test calls.
interface ClientTotp {
  cardTotp(secretBase32: string, period: number, digits?: number): object | null
  totpAt(generator: object, timestampMs: number): string
}
const CLIENT_TOTP = '../../client/lib/totp.ts'
const { cardTotp, totpAt } = (await import(/* @vite-ignore */ CLIENT_TOTP)) as ClientTotp

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
  it.each(RFC_VECTORS)('matches the RFC 6238 SHA-1 vector at T=%i', (seconds, expected) => {
    const generator = cardTotp(RFC_SECRET_BASE32, 30, 8)!
    expect(totpAt(generator, seconds * 1000)).toBe(expected)
  })

  it('draws the code the server expects, for many secrets and random steps', () => {
    for (let i = 0; i < 50; i++) {
      const secret = newTotpSecret()
      const generator = cardTotp(secret, TOTP_PERIOD_SECONDS)!
      for (let j = 0; j < 40; j++) {
        // Any instant from 1970 to about 2096, to the millisecond.
        const at = randomInt(0, 2 ** 42)
        expect(totpAt(generator, at)).toBe(codeAt(secret, new Date(at)))
      }
    }
  })

  it('keeps one code for the whole step', () => {
    const generator = cardTotp(newTotpSecret(), TOTP_PERIOD_SECONDS)!
    const stepStart = 1_773_144_000_000 // a multiple of 30 s
    expect(totpAt(generator, stepStart + TOTP_PERIOD_SECONDS * 1000 - 1)).toBe(totpAt(generator, stepStart))
  })

  it('draws no code for a secret that is not base32', () => {
    expect(cardTotp('not base32!', TOTP_PERIOD_SECONDS)).toBeNull()
  })
})
