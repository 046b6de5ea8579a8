import type { Db } from '../../db/connection.js'
import { openCardIdsOf, setCardSecret } from '../../db/queries/cards.js'
import { newTotpSecret } from '../../domain/rotating-code.js'
import { queueWalletUpdates } from '../wallet/updates.js'

/**
 * New rotating-code secrets for every open card of the member, in the caller's transaction. Done when a
 * device is signed out (or the member signs in on a new one by email link): the secret a device keeps
 * draws valid codes offline, so ending its session alone would leave its codes opening the card. Devices
 * still signed in take the new secret with their next sync of the card.
 */
export async function rotateCardSecrets(tx: Db, customerId: string, now: Date): Promise<void> {
  const cards = await openCardIdsOf(tx, customerId)
  for (const c of cards) await setCardSecret(tx, c.id, newTotpSecret())
  // A Google Wallet pass draws the same codes from the same secret: its object's key rotates too.
  await queueWalletUpdates(
    tx,
    cards.map((c) => c.id),
    now,
  )
}
