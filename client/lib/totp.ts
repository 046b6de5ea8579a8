/**
 * The card's rotating code on the device: RFC 6238 TOTP over HMAC-SHA-1 with WebCrypto, offline.
 * The secret becomes a non-extractable CryptoKey as soon as it arrives (lib/card-keys.ts keeps it in
 * IndexedDB), so the browser computes the HMAC and no page script can read the secret back.
 * tests/domain/client-totp.test.ts checks it against the RFC vectors and the server.
 */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 (padding and case ignored) to bytes; null when it is not base32 or empty. */
export function base32Bytes(text: string): Uint8Array<ArrayBuffer> | null {
  const s = text.replace(/=+$/, '').toUpperCase()
  if (!s) return null
  const out = new Uint8Array(Math.floor((s.length * 5) / 8))
  let bits = 0
  let value = 0
  let n = 0
  for (const ch of s) {
    const v = BASE32.indexOf(ch)
    if (v < 0) return null
    value = (value << 5) | v
    bits += 5
    if (bits >= 8) {
      out[n++] = (value >>> (bits - 8)) & 0xff
      bits -= 8
    }
  }
  return out
}

/** A non-extractable HMAC-SHA-1 key for a card's base32 secret, or null if the secret does not decode. */
export async function importCardSecret(secretBase32: string): Promise<CryptoKey | null> {
  const bytes = base32Bytes(secretBase32)
  if (!bytes) return null
  const key = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
  bytes.fill(0)
  return key
}

/** The code of the step that holds `timestampMs` (RFC 4226 dynamic truncation of HMAC(counter)). */
export async function totpAt(key: CryptoKey, timestampMs: number, period: number, digits = 6): Promise<string> {
  const counter = Math.floor(timestampMs / 1000 / period)
  const message = new DataView(new ArrayBuffer(8))
  message.setUint32(0, Math.floor(counter / 2 ** 32))
  message.setUint32(4, counter >>> 0)
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message.buffer))
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!
  return String(binary % 10 ** digits).padStart(digits, '0')
}
