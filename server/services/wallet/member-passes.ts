import { writeTx } from '../../db/connection.js'
import { walletCard } from '../../db/queries/cards.js'
import { deletePassesOfCard, insertPass, passOfCard, setPassSecrets } from '../../db/queries/wallet.js'
import { DomainError } from '../../domain/errors.js'
import { newCardNumber, newId, randomToken, sha256 } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'
import { buildApplePass } from './apple-pass.js'
import { walletCredentials } from './credentials.js'
import { saveUrl } from './google-api.js'
import { googleObjectId } from './google-objects.js'
import { syncGoogleClass, syncGoogleObject } from './google-sync.js'
import { passContent } from './pass-content.js'

/** Where Apple's devices reach our web service (routes/wallet-apple.ts). */
export const appleWebServiceUrl = (publicUrl: string) => `${publicUrl}/api/wallet/apple`

const notConfigured = (which: string) => new DomainError('wallet_unavailable', `${which} is not set up on this server.`)

async function ownOpenCard(deps: Deps, customerId: string, cardId: string) {
  const card = await walletCard(deps.db, customerId, cardId)
  if (!card) throw new DomainError('card_not_found', 'No such card in this wallet.')
  if (card.closed_at) throw new DomainError('card_closed', 'This card was closed.')
  return card
}

/**
 * A signed .pkpass for the member's card. Each download gets a new web-service token (only its
 * hash is kept): the downloaded pass replaces the one in the wallet, and Apple's devices fetch later
 * versions with the token they hold. The member code stays, so a printed or shared code keeps working.
 */
export async function downloadApplePass(deps: Deps, customerId: string, cardId: string) {
  const creds = walletCredentials(deps.config.wallet).apple
  if (!creds) throw notConfigured('Apple Wallet')
  await ownOpenCard(deps, customerId, cardId)
  const now = deps.clock.now()
  const at = now.toISOString()
  const authToken = randomToken(24)
  const pass = await writeTx(deps.db, async (tx) => {
    const found = await passOfCard(tx, cardId, 'apple')
    if (found) {
      await setPassSecrets(tx, found.id, { auth_token_hash: sha256(authToken) })
      return found
    }
    const card = await walletCard(tx, customerId, cardId)
    const row = {
      id: newId(),
      card_id: cardId,
      merchant_id: card!.merchant_id,
      kind: 'apple' as const,
      auth_token_hash: sha256(authToken),
      // Not the card number and not guessable from it: 10 characters of the card-number alphabet.
      member_code: newCardNumber() + newCardNumber().slice(0, 2),
      google_object_id: null,
      created_at: at,
      updated_at: at,
      last_status: null,
      last_error: null,
      last_sent_at: null,
    }
    await insertPass(tx, row)
    return row
  })
  const content = await passContent(deps.db, cardId, now)
  const file = await buildApplePass(
    content!,
    {
      serial: pass.id,
      authToken,
      memberCode: pass.member_code!,
      webServiceUrl: appleWebServiceUrl(deps.config.publicUrl),
    },
    creds,
  )
  return { file, filename: `${content!.merchant.slug}.pkpass`, updatedAt: pass.updated_at }
}

/**
 * The "Save to Google Wallet" link: the business's class and the card's object are created (or
 * brought up to date) first, then the link names the object by id.
 */
export async function googleSaveLink(deps: Deps, customerId: string, cardId: string): Promise<{ url: string }> {
  const creds = walletCredentials(deps.config.wallet).google
  if (!creds) throw notConfigured('Google Wallet')
  await ownOpenCard(deps, customerId, cardId)
  const at = deps.clock.now().toISOString()
  const pass = await writeTx(deps.db, async (tx) => {
    const found = await passOfCard(tx, cardId, 'google')
    if (found) return found
    const card = await walletCard(tx, customerId, cardId)
    const id = newId()
    const row = {
      id,
      card_id: cardId,
      merchant_id: card!.merchant_id,
      kind: 'google' as const,
      auth_token_hash: null,
      member_code: null,
      google_object_id: googleObjectId(creds, id),
      created_at: at,
      updated_at: at,
      last_status: null,
      last_error: null,
      last_sent_at: null,
    }
    await insertPass(tx, row)
    return row
  })
  try {
    await syncGoogleObject(deps, creds, pass.id, (merchantId) => syncGoogleClass(deps, creds, merchantId))
  } catch (err) {
    console.warn(`google wallet: ${(err as Error).message}`)
    throw new DomainError('wallet_unavailable', 'Google Wallet did not answer. Try again in a minute.')
  }
  return { url: await saveUrl(creds, pass.google_object_id!, deps.config.origin) }
}

/** Which wallet passes the card has (the card screen and Settings). */
export async function cardWalletPasses(deps: Deps, customerId: string, cardId: string) {
  const card = await walletCard(deps.db, customerId, cardId)
  if (!card) throw new DomainError('card_not_found', 'No such card in this wallet.')
  const creds = walletCredentials(deps.config.wallet)
  const [apple, google] = await Promise.all([
    passOfCard(deps.db, cardId, 'apple'),
    passOfCard(deps.db, cardId, 'google'),
  ])
  return {
    appleAvailable: creds.apple !== null,
    googleAvailable: creds.google !== null,
    apple: apple ? { since: apple.created_at } : null,
    google: google ? { since: google.created_at } : null,
  }
}

/**
 * "Remove the pass": the server forgets the card's passes and their devices, so nothing more is
 * pushed or patched; the member deletes the pass from the phone's wallet there.
 */
export async function removeWalletPasses(deps: Deps, customerId: string, cardId: string): Promise<void> {
  const card = await walletCard(deps.db, customerId, cardId)
  if (!card) throw new DomainError('card_not_found', 'No such card in this wallet.')
  await writeTx(deps.db, (tx) => deletePassesOfCard(tx, cardId))
}
