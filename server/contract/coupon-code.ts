/**
 * Coupon codes as they travel from the customer's screen to the till. Pure and dependency-free.
 *
 * QR payload:  LWC1:<code>
 * Typed code:  10 Crockford base32 characters ("7K3M9-QX2PA"); case, spaces and dashes ignored,
 *              O read as 0 and I or L as 1, as Crockford's alphabet prescribes.
 */
export const COUPON_PREFIX = 'LWC1'
export const COUPON_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const COUPON_CODE_LENGTH = 10

export const couponQrPayload = (code: string): string => `${COUPON_PREFIX}:${code}`

/** "7K3M9QX2PA" -> "7K3M9-QX2PA" for reading aloud and typing. */
export const formatCouponCode = (code: string): string => `${code.slice(0, 5)}-${code.slice(5)}`

/** True when a scanned text is a coupon rather than a card. */
export const looksLikeCoupon = (input: string): boolean => input.trim().toUpperCase().startsWith(`${COUPON_PREFIX}:`)

/** Accepts the QR payload or the typed code; null when it is neither. */
export function parseCouponCode(input: string): string | null {
  let raw = input.trim().toUpperCase()
  if (raw.startsWith(`${COUPON_PREFIX}:`)) raw = raw.slice(COUPON_PREFIX.length + 1)
  const compact = raw
    .replace(/[\s\-·.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
  if (compact.length !== COUPON_CODE_LENGTH) return null
  for (const ch of compact) if (!COUPON_CODE_ALPHABET.includes(ch)) return null
  return compact
}
