import { parseMemberCode } from '../../contract/card-code.js'
import type { Db } from '../../db/connection.js'
import { lockedCardById } from '../../db/queries/cards.js'
import { passByMemberCode } from '../../db/queries/wallet.js'
import type { Card } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'

/**
 * The card behind an Apple Wallet pass's static code, held for the scan's transaction. The code must
 * match the card number it names and the scanning merchant; anything else reads as an invalid code.
 */
export async function cardForMemberCode(tx: Db, merchantId: string, code: string): Promise<Card> {
  const parsed = parseMemberCode(code)
  const pass = parsed ? await passByMemberCode(tx, parsed.memberCode) : undefined
  const card = pass ? await lockedCardById(tx, pass.card_id) : undefined
  if (!parsed || !card || card.merchant_id !== merchantId || card.card_number !== parsed.cardNumber) {
    throw new DomainError('code_invalid', 'This card code is not valid. Ask the customer to show the card again.')
  }
  return card
}
