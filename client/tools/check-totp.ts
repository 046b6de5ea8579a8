// Checks the client's HMAC-SHA-1 and rotating code against node:crypto, the RFC 6238 test vectors
// and otpauth's full build (what the server uses). Run: npx tsx client/tools/check-totp.ts
import { createHmac, randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import * as Bare from 'otpauth/bare'
import { hmacSha1, otpHmac } from '../lib/hmac-sha1.js'

let failures = 0
for (let i = 0; i < 2000; i++) {
  const key = randomBytes(Math.floor(Math.random() * 150))
  const msg = randomBytes(Math.floor(Math.random() * 300))
  if (Buffer.from(hmacSha1(key, msg)).toString('hex') !== createHmac('sha1', key).update(msg).digest('hex')) failures++
}

const rfcSecret = Secret.fromUTF8('12345678901234567890')
const vectors: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]
for (const [t, want] of vectors) {
  const got = Bare.TOTP.generate({
    secret: rfcSecret,
    algorithm: 'SHA1',
    digits: 8,
    period: 30,
    timestamp: t * 1000,
    hmac: otpHmac,
  })
  if (got !== want) failures++
}

for (let i = 0; i < 500; i++) {
  const secret = new Secret({ size: 20 })
  const ts = Math.floor(Math.random() * 4e12)
  const ours = new Bare.TOTP({
    secret: Bare.Secret.fromBase32(secret.base32),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    hmac: otpHmac,
  })
  const theirs = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 })
  if (ours.generate({ timestamp: ts }) !== theirs.generate({ timestamp: ts })) failures++
}

console.log(failures ? `FAILED: ${failures} mismatches` : 'ok: HMAC-SHA-1 and TOTP match')
process.exit(failures ? 1 : 0)
