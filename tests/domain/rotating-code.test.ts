import { describe, expect, it } from 'vitest'
import { formatShortCode, parseCardCode, qrPayload } from '../../server/contract/card-code.js'
import { codeAt, stepAt, verifyCode } from '../../server/domain/rotating-code.js'
import { DomainError } from '../../server/domain/errors.js'

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

describe('rotating card code', () => {
  it.each(RFC_VECTORS)('matches the RFC 6238 SHA-1 vector at T=%i', (seconds, expected) => {
    expect(codeAt(RFC_SECRET_BASE32, new Date(seconds * 1000), 8)).toBe(expected)
  })

  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
  const now = new Date('2026-03-10T12:00:10Z')

  it('accepts the current step and one step either side, and says which step it was', () => {
    for (const delta of [-1, 0, 1]) {
      const at = new Date(now.getTime() + delta * 30_000)
      expect(verifyCode(secret, codeAt(secret, at), now)).toBe(stepAt(now) + delta)
    }
  })

  it('calls a code two steps old expired, not invalid', () => {
    const old = codeAt(secret, new Date(now.getTime() - 60_000))
    expect(() => verifyCode(secret, old, now)).toThrowError(expect.objectContaining({ code: 'code_expired' }))
  })

  it('refuses a code two steps in the future as invalid', () => {
    const future = codeAt(secret, new Date(now.getTime() + 60_000))
    expect(() => verifyCode(secret, future, now)).toThrowError(expect.objectContaining({ code: 'code_invalid' }))
  })

  it('refuses a code of another card as invalid', () => {
    const other = codeAt('KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', now)
    expect(() => verifyCode(secret, other, now)).toThrowError(DomainError)
  })

  it('parses the QR payload and the typed short code to the same thing', () => {
    const payload = qrPayload('ABCD2345', '123456')
    expect(parseCardCode(payload)).toEqual({ cardNumber: 'ABCD2345', totp: '123456' })
    expect(parseCardCode(formatShortCode('ABCD2345', '123456'))).toEqual({ cardNumber: 'ABCD2345', totp: '123456' })
    expect(parseCardCode('abcd-2345 123-456')).toEqual({ cardNumber: 'ABCD2345', totp: '123456' })
  })

  it('rejects text that is neither form', () => {
    for (const s of ['', 'LW1:ABCD2345:12345', 'hello world', 'ABCD2345']) expect(parseCardCode(s)).toBeNull()
  })
})
