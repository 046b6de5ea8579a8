/**
 * The rotating card code as it travels from the customer's screen to the till.
 * Pure and dependency-free: the client renders it, the server parses it.
 *
 * QR payload:  LW1:<card number>:<6-digit TOTP>
 * Typed code:  the card number and the 6 digits, spaces and dashes ignored ("ABCD 2345 123 456").
 */
export const CODE_PREFIX = 'LW1'
export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
/** Crockford base32 without I, L, O, U: unambiguous when read aloud or typed. */
export const CARD_NUMBER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const CARD_NUMBER_LENGTH = 8

export function qrPayload(cardNumber: string, totp: string): string {
  return `${CODE_PREFIX}:${cardNumber}:${totp}`
}

/** "ABCD2345" + "123456" -> "ABCD 2345 · 123 456" for reading aloud or typing. */
export function formatShortCode(cardNumber: string, totp: string): string {
  return `${cardNumber.slice(0, 4)} ${cardNumber.slice(4)} · ${totp.slice(0, 3)} ${totp.slice(3)}`
}

export interface ParsedCode {
  cardNumber: string
  totp: string
}

/**
 * An Apple Wallet pass's static code, `LWP:<card number>:<member code>` (Apple has no rotating
 * barcode): it finds the card for an award, never for a redemption.
 */
export function parseMemberCode(input: string): { cardNumber: string; memberCode: string } | null {
  const m = /^LWP:([0-9A-Z]{8}):([0-9A-Z]{10})$/.exec(input.trim().toUpperCase())
  return m ? { cardNumber: m[1]!, memberCode: m[2]! } : null
}

/** Accepts the QR payload or the typed short code; null when it is neither. */
export function parseCardCode(input: string): ParsedCode | null {
  const raw = input.trim().toUpperCase()
  const qr = /^LW1:([0-9A-Z]{8}):(\d{6})$/.exec(raw)
  if (qr) return { cardNumber: qr[1]!, totp: qr[2]! }
  const compact = raw.replace(/[\s\-·.]/g, '')
  const typed = /^([0-9A-Z]{8})(\d{6})$/.exec(compact)
  if (typed) return { cardNumber: typed[1]!, totp: typed[2]! }
  return null
}
