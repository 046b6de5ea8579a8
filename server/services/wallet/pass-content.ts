import type { Db } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import { logoOf } from '../../db/queries/console.js'
import { locationsOf } from '../../db/queries/locations.js'
import { merchantById } from '../../db/queries/merchants.js'
import { customerById } from '../../db/queries/people.js'
import { cardStatus } from '../program/card-status.js'
import { passLanguage, type PassLanguage } from './pass-text.js'

/** Apple shows a pass on the lock screen near at most 10 places. */
export const MAX_PASS_LOCATIONS = 10

/** What a wallet pass shows, read in one place for both wallets. */
export interface PassContent {
  cardId: string
  cardNumber: string
  totpSecret: string
  balance: number
  memberName: string
  /** The member's stored language (customers.locale), else English: Google's default value. */
  language: PassLanguage
  merchant: {
    id: string
    slug: string
    name: string
    brandColor: string
    accentColor: string
    /** The business's default language: the default value of its Google class, shared by its members. */
    language: PassLanguage
  }
  /** The merchant's logo as stored (webp), or null. */
  logo: Uint8Array | null
  tier: string | null
  next: { name: string; pointsNeeded: number } | null
  /** Locations with coordinates (Apple needs them for lock-screen relevance), at most 10. */
  locations: Array<{ name: string; address: string; latitude: number; longitude: number }>
  closed: boolean
}

export async function passContent(db: Db, cardId: string, now: Date): Promise<PassContent | null> {
  const card = await cardById(db, cardId)
  if (!card) return null
  const [merchant, customer, status, logo, locations] = await Promise.all([
    merchantById(db, card.merchant_id),
    customerById(db, card.customer_id),
    cardStatus(db, cardId, now),
    logoOf(db, card.merchant_id),
    locationsOf(db, card.merchant_id),
  ])
  if (!merchant) return null
  return {
    cardId: card.id,
    cardNumber: card.card_number,
    totpSecret: card.totp_secret,
    balance: card.balance,
    memberName: customer?.name ?? '',
    language: passLanguage(customer?.locale),
    merchant: {
      id: merchant.id,
      slug: merchant.slug,
      name: merchant.name,
      brandColor: merchant.brand_color,
      accentColor: merchant.accent_color,
      language: passLanguage(merchant.default_locale),
    },
    logo: logo?.data ?? null,
    tier: status?.tier?.name ?? null,
    next: status?.next ? { name: status.next.name, pointsNeeded: status.next.pointsNeeded } : null,
    locations: locations
      .filter((l) => !l.archived_at && l.latitude !== null && l.longitude !== null)
      .slice(0, MAX_PASS_LOCATIONS)
      .map((l) => ({ name: l.name, address: l.address, latitude: l.latitude!, longitude: l.longitude! })),
    closed: card.closed_at !== null || merchant.closed_at !== null,
  }
}
