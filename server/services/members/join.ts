import type { JoinRequest, JoinResponse, WalletCard } from '../../contract/card.js'
import type { MerchantPublic } from '../../contract/merchant.js'
import { writeTx, type Db } from '../../db/connection.js'
import { emitEvent } from '../webhooks/events.js'
import { insertConsentEvent } from '../../db/queries/account.js'
import { cardOfCustomerAtMerchant, insertCard } from '../../db/queries/cards.js'
import { currentProgram, merchantBySlug, signupLinkByCode } from '../../db/queries/merchants.js'
import { customerById, insertCustomer, setCustomerLocale } from '../../db/queries/people.js'
import { welcomeClaims } from '../../domain/bonuses.js'
import { businessStatus } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'
import { newCardNumber, newId } from '../../domain/ids.js'
import { newTotpSecret } from '../../domain/rotating-code.js'
import { memberWalletCard } from './card-read.js'
import { touchCard } from '../program/card-summary.js'
import type { Deps } from '../common/deps.js'
import { onJoined } from '../program/bonuses.js'
import { assertPlausibleBirthday } from '../program/birthday.js'
import { toMerchantPublic } from '../common/dto.js'

export async function merchantPublic(deps: Deps, slug: string): Promise<MerchantPublic> {
  const m = await merchantBySlug(deps.db, slug)
  if (!m) throw new DomainError('merchant_not_found', `No loyalty program is called "${slug}".`)
  return toMerchantPublic(m, await currentProgram(deps.db, m.id, deps.clock.now().toISOString()))
}

export const loadWalletCard = (db: Db, customerId: string, cardId: string, now: Date): Promise<WalletCard> =>
  memberWalletCard(db, customerId, cardId, now)

/**
 * Joins a merchant's program. With no wallet yet, the customer is created (the caller opens a
 * session for them); with a wallet, the card is added to it; a merchant already joined returns its card.
 */
export async function joinProgram(
  deps: Deps,
  req: JoinRequest,
  existingCustomerId: string | null,
): Promise<JoinResponse & { customerId: string; newCustomer: boolean }> {
  const now = deps.clock.now()
  const at = now.toISOString()
  const merchant = await merchantBySlug(deps.db, req.slug)
  if (!merchant) throw new DomainError('merchant_not_found', `No loyalty program is called "${req.slug}".`)
  const status = businessStatus(merchant)
  if (status === 'setup') {
    throw new DomainError('business_not_live', `${merchant.name} is still setting up its program. Come back soon!`)
  }
  if (status === 'suspended') {
    throw new DomainError('business_suspended', `${merchant.name} has paused its loyalty program for now.`)
  }
  if (status === 'closed') throw new DomainError('business_closed', `${merchant.name} has closed its loyalty program.`)

  if (req.birthday) assertPlausibleBirthday(req.birthday, now)

  const result = await writeTx(deps.db, async (tx) => {
    let customerId = existingCustomerId
    const known = customerId ? await customerById(tx, customerId) : undefined
    if (!known) customerId = null
    const newCustomer = customerId === null
    if (customerId === null) {
      customerId = newId()
      await insertCustomer(tx, {
        id: customerId,
        name: req.name,
        email: req.email || null,
        birthday: req.birthday || null,
        created_at: at,
        locale: req.locale ?? null,
      })
    } else if (req.locale && !known?.locale) {
      // A wallet from before languages were remembered learns the browser's now.
      await setCustomerLocale(tx, customerId, req.locale)
    }
    const existing = await cardOfCustomerAtMerchant(tx, customerId, merchant.id)
    if (existing) return { customerId, cardId: existing.id, alreadyMember: true, newCustomer }

    const link = req.via ? await signupLinkByCode(tx, merchant.id, req.via) : undefined
    const cardId = newId()
    const cardNumber = newCardNumber()
    await insertCard(tx, {
      id: cardId,
      customer_id: customerId,
      merchant_id: merchant.id,
      card_number: cardNumber,
      totp_secret: newTotpSecret(),
      balance: 0,
      last_code_step: null,
      marketing_consent: req.marketingConsent ? 1 : 0,
      signup_link_id: link?.id ?? null,
      joined_location_id: link?.location_id ?? null,
      created_at: at,
      updated_at: at,
      last_used_at: at,
    })
    // Every card has a summary from its first day: the tier job finds the ones due by it.
    touchCard(tx, cardId, merchant.id, now)
    // The wallet's own email when it has one: a second join can't claim the bonus by typing another.
    const claims = welcomeClaims(known ? known.email : req.email, req.deviceId)
    await emitEvent(
      tx,
      merchant.id,
      'member.joined',
      {
        cardId,
        cardNumber,
        marketingConsent: Boolean(req.marketingConsent),
        joinedLocationId: link?.location_id ?? null,
      },
      now,
    )
    await onJoined(tx, cardId, merchant.id, customerId, req.ref, now, claims)
    if (req.marketingConsent) {
      await insertConsentEvent(tx, {
        id: newId(),
        customer_id: customerId,
        card_id: cardId,
        merchant_id: merchant.id,
        granted: 1,
        wording:
          req.consentWording || `Send me offers and news from ${merchant.name}. You can turn this off at any time.`,
        source: 'join',
        created_at: at,
      })
    }
    return { customerId, cardId, alreadyMember: false, newCustomer }
  })

  const card = await loadWalletCard(deps.db, result.customerId, result.cardId, now)
  return { card, alreadyMember: result.alreadyMember, customerId: result.customerId, newCustomer: result.newCustomer }
}
