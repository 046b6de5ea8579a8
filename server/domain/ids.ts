import { createHash, randomBytes, randomInt } from 'node:crypto'
import { V7Generator } from 'uuidv7'
import { CARD_NUMBER_ALPHABET, CARD_NUMBER_LENGTH } from '../contract/card-code.js'

/**
 * The library's generator over a larger buffer of crypto randomness: its default refills 8 words at
 * a time, so every few ids paid for a call into the CSPRNG. Same ids, same guarantees.
 */
const random = {
  buffer: new Uint32Array(1024),
  cursor: 1024,
  nextUint32(): number {
    if (this.cursor >= this.buffer.length) {
      crypto.getRandomValues(this.buffer)
      this.cursor = 0
    }
    return this.buffer[this.cursor++]!
  },
}
const ids = new V7Generator(random)

export const newId = (): string => ids.generate().toString()

/** A random secret for cookies, API keys and handles: 32 bytes unless said otherwise. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url')

/** Secrets are stored only as this hash; they are random enough that a fast hash is right. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex')

export function newCardNumber(): string {
  let out = ''
  for (let i = 0; i < CARD_NUMBER_LENGTH; i++) out += CARD_NUMBER_ALPHABET[randomInt(CARD_NUMBER_ALPHABET.length)]
  return out
}

/** A short code for a signup link (?via=...). */
export function newLinkCode(): string {
  return randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').toLowerCase()
}
