import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import { first, prepared } from '../prepared.js'
import type { BonusGrantTable, TierChangeTable } from '../schema.js'

/** A card's whole ledger in posting order, with what the lot replay needs. */
export const lotLedger = (db: Tx, cardId: string) =>
  db
    .selectFrom('ledger_entries')
    .select(['id', 'kind', 'points', 'created_at', 'lot_expires_at', 'expires_entry_id', 'amount_minor'])
    .where('card_id', '=', cardId)
    .orderBy('seq', 'asc')
    .execute()

/** Earn and bonus entries since `since`, and the reversals of such entries (negative), for tier qualification. */
export const tierEarningsFrom = (db: Tx, cardId: string, since: string) =>
  db
    .selectFrom('ledger_entries as e')
    .leftJoin('ledger_entries as o', 'o.id', 'e.reverses_entry_id')
    .where('e.card_id', '=', cardId)
    .where('e.created_at', '>', since)
    .where((eb) =>
      eb.or([
        eb('e.kind', 'in', ['earn', 'bonus']),
        eb.and([eb('e.kind', '=', 'reversal'), eb('o.kind', 'in', ['earn', 'bonus'])]),
      ]),
    )
const tierEarningsQuery = prepared((db, a: { cardId: string; since: string }) =>
  tierEarningsFrom(db, a.cardId, a.since).select(['e.points', 'e.created_at']),
)
// Read on every earn of a program with tiers (earnedForTier, to see whether the card moves up): prepared.
export const tierEarnings = (db: Tx, cardId: string, since: string) => tierEarningsQuery(db, { cardId, since })

/** Points of 'earn' entries since `since` (the start of the merchant's local day), for the daily cap. */
export async function earnedSince(db: Tx, cardId: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points'), eb.lit(0)).as('total'))
    .where('card_id', '=', cardId)
    .where('kind', '=', 'earn')
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow()
  return Number(r.total)
}

/** Whether the card has any purchase yet: one indexed row at most, however long the history. */
export async function hasPurchase(db: Tx, cardId: string): Promise<boolean> {
  const r = await db
    .selectFrom('ledger_entries')
    .select('id')
    .where('card_id', '=', cardId)
    .where('kind', '=', 'earn')
    .where('amount_minor', 'is not', null)
    .limit(1)
    .executeTakeFirst()
  return r !== undefined
}

const cardTierQuery = prepared((db, a: { cardId: string }) =>
  db.selectFrom('card_tiers').selectAll().where('card_id', '=', a.cardId),
)
export const cardTier = (db: Tx, cardId: string) => first(cardTierQuery(db, { cardId }))

export async function setCardTier(
  db: Tx,
  cardId: string,
  merchantId: string,
  tier: string | null,
  now: string,
): Promise<void> {
  await db.deleteFrom('card_tiers').where('card_id', '=', cardId).execute()
  if (tier !== null) {
    await db
      .insertInto('card_tiers')
      .values({ card_id: cardId, merchant_id: merchantId, tier, achieved_at: now, below_since: null })
      .execute()
  }
}

export const setBelowSince = (db: Tx, cardId: string, belowSince: string | null) =>
  db.updateTable('card_tiers').set({ below_since: belowSince }).where('card_id', '=', cardId).execute()

export const insertTierChange = (db: Tx, row: Insertable<TierChangeTable>) =>
  db.insertInto('tier_changes').values(row).execute()

export const bonusGrant = (db: Tx, cardId: string, kind: BonusGrantTable['kind'], period: string) =>
  db
    .selectFrom('bonus_grants')
    .selectAll()
    .where('card_id', '=', cardId)
    .where('kind', '=', kind)
    .where('period', '=', period)
    .executeTakeFirst()

export const insertBonusGrant = (db: Tx, row: Insertable<BonusGrantTable>) =>
  db.insertInto('bonus_grants').values(row).execute()

export const cardByReferralCode = (db: Tx, merchantId: string, code: string) =>
  db
    .selectFrom('cards')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('referral_code', '=', code)
    .executeTakeFirst()

export const setReferral = (db: Tx, cardId: string, referralCode: string, referredBy: string | null) =>
  db
    .updateTable('cards')
    .set({ referral_code: referralCode, referred_by_card_id: referredBy })
    .where('id', '=', cardId)
    .execute()

export const allMerchants = (db: Tx) => db.selectFrom('merchants').selectAll().orderBy('created_at', 'asc').execute()

export const cardIdsOfMerchant = (db: Tx, merchantId: string) =>
  db.selectFrom('cards').select('id').where('merchant_id', '=', merchantId).orderBy('created_at', 'asc').execute()

/** Cards whose member has a birthday, with it. */
export const cardsWithBirthdays = (db: Tx, merchantId: string) =>
  db
    .selectFrom('cards as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select(['c.id', 'cu.birthday'])
    .where('c.merchant_id', '=', merchantId)
    .where('cu.birthday', 'is not', null)
    .execute()

/** Every entry of a merchant's cards, oldest first, with whether it was reversed: for the 90-day preview. */
export const merchantLedger = (db: Tx, merchantId: string) =>
  db
    .selectFrom('ledger_entries as e')
    .leftJoin('ledger_entries as r', 'r.reverses_entry_id', 'e.id')
    .select([
      'e.id',
      'e.card_id',
      'e.kind',
      'e.points',
      'e.created_at',
      'e.amount_minor',
      'e.lot_expires_at',
      'e.expires_entry_id',
      'e.reverses_entry_id',
      'r.id as reversed_by',
    ])
    .where('e.merchant_id', '=', merchantId)
    .orderBy('e.created_at', 'asc')
    .orderBy('e.id', 'asc')
    .execute()

export const programVersions = (db: Tx, merchantId: string) =>
  db
    .selectFrom('program_versions')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('version', 'desc')
    .execute()

export const setCustomerBirthday = (db: Tx, customerId: string, birthday: string, setAt: string | null) =>
  db.updateTable('customers').set({ birthday, birthday_set_at: setAt }).where('id', '=', customerId).execute()

/** Whether any of these welcome claims (hashed email, device) was already made at this merchant. */
export async function welcomeClaimed(db: Tx, merchantId: string, claims: string[]): Promise<boolean> {
  if (claims.length === 0) return false
  const row = await db
    .selectFrom('welcome_claims')
    .select('claim')
    .where('merchant_id', '=', merchantId)
    .where('claim', 'in', claims)
    .executeTakeFirst()
  return row !== undefined
}

export async function insertWelcomeClaims(
  db: Tx,
  rows: { merchant_id: string; claim: string; card_id: string; created_at: string }[],
): Promise<void> {
  if (rows.length) await db.insertInto('welcome_claims').values(rows).execute()
}
