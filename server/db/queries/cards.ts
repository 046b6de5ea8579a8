import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import { first, prepared } from '../prepared.js'
import type { CardTable, LedgerEntryTable } from '../schema.js'

export const insertCard = (db: Tx, row: Insertable<CardTable>) => db.insertInto('cards').values(row).execute()

export const cardById = (db: Tx, id: string) =>
  db.selectFrom('cards').selectAll().where('id', '=', id).executeTakeFirst()

/*
 * The `locked…` reads are for write transactions that decide from a card's row (its balance, its
 * daily cap, its referral): on PostgreSQL they hold the row (FOR UPDATE) until the commit, so two
 * processes acting on one card take turns and each reads what the other wrote. SQLite's writeTx
 * holds the whole database already; the clause is dropped there (db/sqlite.ts).
 */
const lockedCardByIdQuery = prepared((db, a: { id: string }) =>
  db.selectFrom('cards').selectAll().where('id', '=', a.id).forUpdate(),
)
export const lockedCardById = (tx: Tx, id: string) => first(lockedCardByIdQuery(tx, { id }))

/** Every open card of these members, locked in id order (a fixed order: two such writers never deadlock). */
export const lockedOpenCardsOf = (tx: Tx, customerIds: string[]) =>
  tx
    .selectFrom('cards')
    .selectAll()
    .where('customer_id', 'in', customerIds)
    .where('closed_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute()

const lockedCardByNumberQuery = prepared((db, a: { cardNumber: string }) =>
  db.selectFrom('cards').selectAll().where('card_number', '=', a.cardNumber).forUpdate(),
)
export const lockedCardByNumber = (tx: Tx, cardNumber: string) => first(lockedCardByNumberQuery(tx, { cardNumber }))

/** A card by number, locked, and whether its member has a push device: the POS earn's one read of the card. */
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
    .where('c.card_number', '=', a.cardNumber)
    .forUpdate(),
)
export const lockedCardWithDeviceByNumber = (tx: Tx, cardNumber: string) => first(cardForEarnQuery(tx, { cardNumber }))

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
      'c.last_used_at',
      'c.merchant_id',
      'cu.name as member_name',
      'm.slug',
      'm.name as merchant_name',
      'm.brand_color',
      'm.accent_color',
      'm.logo_url',
      'm.currency',
      'm.timezone',
      'm.live_at',
      'm.suspended_at',
      'm.closed_at',
    ])
}

export const walletCard = (db: Tx, customerId: string, cardId: string) =>
  walletCardsQuery(db).where('c.customer_id', '=', customerId).where('c.id', '=', cardId).executeTakeFirst()

/**
 * Marks a TOTP step as used. One atomic UPDATE that must change exactly one row:
 * a second scan of the same (or an earlier) step changes none.
 */
export async function consumeCodeStep(db: Tx, cardId: string, step: number, now: string): Promise<boolean> {
  const res = await db
    .updateTable('cards')
    .set({ last_code_step: step, last_used_at: now })
    .where('id', '=', cardId)
    .where((eb) => eb.or([eb('last_code_step', 'is', null), eb('last_code_step', '<', step)]))
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

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
      location_id: row.location_id,
      reason_code: row.reason_code ?? null,
      reason_params: row.reason_params ?? null,
      // The card's posting order, taken in the write transaction (the card is this transaction's to write).
      seq: db
        .selectFrom('ledger_entries as prev')
        .select((eb) => eb(eb.fn.coalesce(eb.fn.max('prev.seq'), eb.lit(0)), '+', eb.lit(1)).as('next'))
        .where('prev.card_id', '=', row.card_id),
    })
    .returning('seq'),
)
const moveBalanceQuery = prepared((db, a: { cardId: string; points: number; now: string }) =>
  db
    .updateTable('cards')
    .set((eb) => ({ balance: eb('balance', '+', a.points), updated_at: a.now }))
    .where('id', '=', a.cardId)
    .returning('balance'),
)
/** A purchase is a use of the card (a POS earn by card number has no scan that would say so). */
const moveBalanceUsedQuery = prepared((db, a: { cardId: string; points: number; now: string }) =>
  db
    .updateTable('cards')
    .set((eb) => ({ balance: eb('balance', '+', a.points), updated_at: a.now, last_used_at: a.now }))
    .where('id', '=', a.cardId)
    .returning('balance'),
)

/**
 * Moves the card's cached balance by `points` and returns the new balance: `balance = balance + ?`
 * in one statement, so two writers never both start from the same old balance (on PostgreSQL the
 * UPDATE also holds the row to the end of the transaction). `used`: a purchase, which also marks
 * the card used (the wallet lists it first).
 */
export async function moveBalance(tx: Tx, cardId: string, points: number, now: string, used = false): Promise<number> {
  const [row] = await (used ? moveBalanceUsedQuery : moveBalanceQuery)(tx, { cardId, points, now })
  if (!row) throw new Error(`card ${cardId} vanished while posting to it`)
  return row.balance
}

/**
 * Appends an entry (its balance_after is what moveBalance returned in the same transaction); returns
 * the entry's place in the card's posting order.
 */
export async function insertLedgerEntry(tx: Tx, row: Insertable<LedgerEntryTable>): Promise<number> {
  const [inserted] = await insertLedgerEntryQuery(tx, row)
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
