import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import { first, prepared } from '../prepared.js'
import type { CardTable, LedgerEntryTable } from '../schema.js'

export const insertCard = (db: Tx, row: Insertable<CardTable>) => db.insertInto('cards').values(row).execute()

export const cardById = (db: Tx, id: string) =>
  db.selectFrom('cards').selectAll().where('id', '=', id).executeTakeFirst()

const cardByNumberQuery = prepared((db, a: { cardNumber: string }) =>
  db.selectFrom('cards').selectAll().where('card_number', '=', a.cardNumber),
)
export const cardByNumber = (db: Tx, cardNumber: string) => first(cardByNumberQuery(db, { cardNumber }))

/** A card by number and whether its member has a push device: the POS earn's one read of the card. */
const cardForEarnQuery = prepared((db, a: { cardNumber: string }) =>
  db
    .selectFrom('cards as c')
    .selectAll('c')
    .select((eb) =>
      eb
        .exists(
          eb.selectFrom('push_subscriptions as ps').select('ps.id').whereRef('ps.customer_id', '=', 'c.customer_id'),
        )
        .as('has_device'),
    )
    .where('c.card_number', '=', a.cardNumber),
)
export const cardWithDeviceByNumber = (db: Tx, cardNumber: string) => first(cardForEarnQuery(db, { cardNumber }))

export const cardOfCustomerAtMerchant = (db: Tx, customerId: string, merchantId: string) =>
  db
    .selectFrom('cards')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst()

/** Cards with their member's name and merchant, for the wallet. */
function walletCardsQuery(db: Tx) {
  return db
    .selectFrom('cards as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .innerJoin('merchants as m', 'm.id', 'c.merchant_id')
    .select([
      'c.id',
      'c.card_number',
      'c.balance',
      'c.totp_secret',
      'c.created_at',
      'c.updated_at',
      'c.merchant_id',
      'cu.name as member_name',
      'm.slug',
      'm.name as merchant_name',
      'm.brand_color',
      'm.accent_color',
      'm.logo_url',
      'm.currency',
      'm.timezone',
    ])
}
export type WalletCardRow = Awaited<ReturnType<ReturnType<typeof walletCardsQuery>['executeTakeFirstOrThrow']>>

export const walletCards = (db: Tx, customerId: string) =>
  walletCardsQuery(db).where('c.customer_id', '=', customerId).orderBy('c.created_at', 'asc').execute()

export const walletCard = (db: Tx, customerId: string, cardId: string) =>
  walletCardsQuery(db).where('c.customer_id', '=', customerId).where('c.id', '=', cardId).executeTakeFirst()

/**
 * Marks a TOTP step as used. One atomic UPDATE that must change exactly one row:
 * a second scan of the same (or an earlier) step changes none.
 */
export async function consumeCodeStep(db: Tx, cardId: string, step: number): Promise<boolean> {
  const res = await db
    .updateTable('cards')
    .set({ last_code_step: step })
    .where('id', '=', cardId)
    .where((eb) => eb.or([eb('last_code_step', 'is', null), eb('last_code_step', '<', step)]))
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

/** Appends an entry and moves the cached balance in the same transaction (the caller's). */
// Every point that moves goes through these two: prepared, with every column named once.
const insertLedgerEntryQuery = prepared((db, row: Insertable<LedgerEntryTable>) =>
  db
    .insertInto('ledger_entries')
    .values({
      id: row.id,
      card_id: row.card_id,
      merchant_id: row.merchant_id,
      kind: row.kind,
      points: row.points,
      balance_after: row.balance_after,
      reason: row.reason,
      amount_minor: row.amount_minor,
      currency: row.currency,
      staff_id: row.staff_id,
      api_key_id: row.api_key_id,
      reverses_entry_id: row.reverses_entry_id,
      lot_expires_at: row.lot_expires_at,
      program_version: row.program_version,
      expires_entry_id: row.expires_entry_id,
      idempotency_key: row.idempotency_key,
      created_at: row.created_at,
      // The card's posting order, taken in the write transaction (the card is this transaction's to write).
      seq: db
        .selectFrom('ledger_entries as prev')
        .select((eb) => eb(eb.fn.coalesce(eb.fn.max('prev.seq'), eb.lit(0)), '+', eb.lit(1)).as('next'))
        .where('prev.card_id', '=', row.card_id),
    })
    .returning('seq'),
)
const setBalanceQuery = prepared((db, a: { cardId: string; balance: number; now: string }) =>
  db.updateTable('cards').set({ balance: a.balance, updated_at: a.now }).where('id', '=', a.cardId),
)

/** Appends the entry and sets the card's balance; returns the entry's place in the card's posting order. */
export async function appendLedgerEntry(db: Tx, row: Insertable<LedgerEntryTable>, now: string): Promise<number> {
  const [inserted] = await insertLedgerEntryQuery(db, row)
  await setBalanceQuery(db, { cardId: row.card_id, balance: row.balance_after, now })
  return Number(inserted!.seq)
}

/**
 * History newest first in posting order (`seq`), each entry with whether a reversal row points at it;
 * `beforeSeq` pages back from an entry already shown.
 */
export const ledgerForCard = (db: Tx, cardId: string, limit = 200, beforeSeq?: number) => {
  let q = db
    .selectFrom('ledger_entries as e')
    .leftJoin('ledger_entries as r', 'r.reverses_entry_id', 'e.id')
    .selectAll('e')
    .select((eb) => eb.fn.count<number>('r.id').as('reversed_count'))
    .where('e.card_id', '=', cardId)
  if (beforeSeq !== undefined) q = q.where('e.seq', '<', beforeSeq)
  return q.groupBy('e.id').orderBy('e.seq', 'desc').limit(limit).execute()
}

export const ledgerEntryById = (db: Tx, id: string) =>
  db.selectFrom('ledger_entries').selectAll().where('id', '=', id).executeTakeFirst()

export async function isReversed(db: Tx, entryId: string): Promise<boolean> {
  const r = await db
    .selectFrom('ledger_entries')
    .select('id')
    .where('reverses_entry_id', '=', entryId)
    .executeTakeFirst()
  return r !== undefined
}

/** The member's cards that are still open (a merged or deleted card keeps its old secret: it opens nothing). */
export const openCardIdsOf = (db: Tx, customerId: string) =>
  db.selectFrom('cards').select('id').where('customer_id', '=', customerId).where('closed_at', 'is', null).execute()

export const setCardSecret = (db: Tx, cardId: string, secret: string) =>
  db.updateTable('cards').set({ totp_secret: secret }).where('id', '=', cardId).execute()
