import type { CardSummary } from '../../contract/staff.js'
import type { Db } from '../../db/connection.js'
import { ledgerForCard } from '../../db/queries/cards.js'
import { customerById } from '../../db/queries/people.js'
import { cardTier } from '../../db/queries/program.js'
import { couponsOfCard, openStamps, stampCardOfMerchant } from '../../db/queries/rewards.js'
import type { Card } from '../../db/schema.js'
import { displayState, sortForWallet } from '../../domain/coupons.js'
import { tierIndex } from '../../domain/tiers.js'
import { toLedgerEntry } from '../common/dto.js'
import { programContext } from '../program/engine.js'

/** The member's tier as the card shows it, or null when the program has no tiers. */
export async function tierOfCard(db: Db, card: Card, now: Date): Promise<CardSummary['tier']> {
  const { rules } = await programContext(db, card.merchant_id, now)
  if (rules.tiers.length === 0) return null
  const tier = rules.tiers[tierIndex((await cardTier(db, card.id))?.tier, rules.tiers)]
  return tier ? { name: tier.name, multiplier: tier.multiplier, perks: tier.perks } : null
}

/** Open stamps against the merchant's active stamp card; null without one. */
export async function stampsOfCard(db: Db, card: Card): Promise<CardSummary['stamps']> {
  const sc = await stampCardOfMerchant(db, card.merchant_id)
  if (!sc || sc.active !== 1) return null
  const open = await openStamps(db, card.id)
  return {
    filled: Math.min(open.count, sc.stamps_required),
    required: sc.stamps_required,
    rewardTitle: sc.reward_title,
  }
}

/** Coupons usable now, soonest expiring first. */
export async function activeCouponsOfCard(db: Db, cardId: string, now: Date): Promise<CardSummary['coupons']> {
  const all = (await couponsOfCard(db, cardId)).map((c) => ({
    id: c.id,
    title: c.title,
    validUntil: c.valid_until,
    createdAt: c.created_at,
    lastRedeemedAt: c.last_redeemed_at,
    state: displayState({ state: c.state, validUntil: c.valid_until }, now),
  }))
  return sortForWallet(all)
    .filter((c) => c.state === 'active')
    .map((c) => ({ id: c.id, title: c.title, validUntil: c.validUntil }))
}

/**
 * What the till shows of a scanned card: name, number, balance, tier and perks, stamps, coupons and the
 * last entries; the marketing consent only for owners and managers (`withConsent`).
 */
export async function cardSummary(db: Db, card: Card, now: Date, withConsent: boolean): Promise<CardSummary> {
  const [customer, recent, tier, stamps, coupons] = await Promise.all([
    customerById(db, card.customer_id),
    ledgerForCard(db, card.id, 5),
    tierOfCard(db, card, now),
    stampsOfCard(db, card),
    activeCouponsOfCard(db, card.id, now),
  ])
  return {
    cardId: card.id,
    cardNumber: card.card_number,
    memberName: customer?.name ?? '',
    balance: card.balance,
    joinedAt: card.created_at,
    recent: recent.map(toLedgerEntry),
    tier,
    stamps,
    coupons,
    marketingConsent: withConsent ? card.marketing_consent === 1 : null,
  }
}
