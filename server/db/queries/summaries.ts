import { sql, type Insertable, type Selectable } from 'kysely'
import type { Tx } from '../connection.js'
import { first, prepared } from '../prepared.js'
import { tierEarningsFrom } from './program.js'
import type { CardSummaryTable, PointLotTable } from '../schema-summaries.js'

/* Lots still holding points and card summaries (0040): kept by the write that changes them. */

const insertLotQuery = prepared((db, r: Insertable<PointLotTable>) =>
  db.insertInto('point_lots').values({
    entry_id: r.entry_id,
    card_id: r.card_id,
    merchant_id: r.merchant_id,
    seq: r.seq,
    remaining: r.remaining,
    expires_at: r.expires_at,
  }),
)
export const insertLot = (tx: Tx, row: Insertable<PointLotTable>) => insertLotQuery(tx, row)

/** The card's lots that still hold points, oldest (in posting order) first. */
const openLotsQuery = prepared((db, a: { cardId: string }) =>
  db
    .selectFrom('point_lots')
    .select(['entry_id', 'seq', 'remaining', 'expires_at'])
    .where('card_id', '=', a.cardId)
    .orderBy('seq'),
)
export const openLots = (db: Tx, cardId: string) => openLotsQuery(db, { cardId })

/**
 * What a card's summary is computed from besides its tier row, in one read (every write to a card
 * computes it before the commit): its tier earnings since `since` (as tierEarnings, `at` their time)
 * and its open lots oldest first (as openLots, `at` their expiry), told apart by `part`.
 */
const statusInputsQuery = prepared((db, a: { cardId: string; since: string }) =>
  tierEarningsFrom(db, a.cardId, a.since)
    .select((eb) => [
      sql<'earning' | 'lot'>`'earning'`.as('part'),
      'e.points as points',
      eb.ref('e.created_at').$castTo<string | null>().as('at'),
      sql<number | null>`null`.as('seq'),
    ])
    .unionAll(
      db
        .selectFrom('point_lots')
        .select([sql<'earning' | 'lot'>`'lot'`.as('part'), 'remaining as points', 'expires_at as at', 'seq'])
        .where('card_id', '=', a.cardId),
    )
    .orderBy('part')
    .orderBy('seq'),
)
export const statusInputs = (db: Tx, cardId: string, since: string) => statusInputsQuery(db, { cardId, since })

const setLotRemainingQuery = prepared((db, a: { entryId: string; remaining: number }) =>
  db.updateTable('point_lots').set({ remaining: a.remaining }).where('entry_id', '=', a.entryId),
)
const deleteLotQuery = prepared((db, a: { entryId: string }) =>
  db.deleteFrom('point_lots').where('entry_id', '=', a.entryId),
)
/** What is left of a lot; a lot spent to nothing is removed. */
export const setLotRemaining = (tx: Tx, entryId: string, remaining: number) =>
  remaining > 0 ? setLotRemainingQuery(tx, { entryId, remaining }) : deleteLotQuery(tx, { entryId })

export type CardSummaryRow = Selectable<CardSummaryTable>

const upsertSummaryQuery = prepared((db, r: CardSummaryRow) =>
  db
    .insertInto('card_summaries')
    .values({
      card_id: r.card_id,
      merchant_id: r.merchant_id,
      program_version: r.program_version,
      status: r.status,
      stale_at: r.stale_at,
      last_activity_at: r.last_activity_at,
      idle_expiry_at: r.idle_expiry_at,
      computed_at: r.computed_at,
    })
    .onConflict((oc) =>
      oc.column('card_id').doUpdateSet({
        program_version: r.program_version,
        status: r.status,
        stale_at: r.stale_at,
        last_activity_at: r.last_activity_at,
        idle_expiry_at: r.idle_expiry_at,
        computed_at: r.computed_at,
      }),
    ),
)
export const upsertCardSummary = (tx: Tx, row: CardSummaryRow) => upsertSummaryQuery(tx, row)
/** A card's summary dropped: the next read computes the status from the lots, the next write makes one. */
export const deleteCardSummary = (tx: Tx, cardId: string) =>
  tx.deleteFrom('card_summaries').where('card_id', '=', cardId).execute()

const lastActivityQuery = prepared((db, a: { cardId: string }) =>
  db.selectFrom('card_summaries').select('last_activity_at').where('card_id', '=', a.cardId),
)
/** The card's latest activity as its summary has it (undefined: no summary yet). */
export const summaryLastActivity = (db: Tx, cardId: string) => first(lastActivityQuery(db, { cardId }))

/** The card's latest posting that was not an expiry, from the ledger (a summary made for the first time). */
export async function lastActivityInLedger(db: Tx, cardId: string): Promise<string | null> {
  const r = await db
    .selectFrom('ledger_entries')
    .select('created_at')
    .where('card_id', '=', cardId)
    .where('kind', '<>', 'expire')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r?.created_at ?? null
}

/** The card's lots still holding points, oldest first, with when each was earned (the expiry job's reasons). */
export const openLotsWithDates = (db: Tx, cardId: string) =>
  db
    .selectFrom('point_lots as l')
    .innerJoin('ledger_entries as e', 'e.id', 'l.entry_id')
    .select(['l.entry_id', 'l.remaining', 'l.expires_at', 'e.created_at'])
    .where('l.card_id', '=', cardId)
    .orderBy('l.seq')
    .execute()

/** A merchant's cards holding a lot whose date has come (by the index on the lots' expiry). */
export const cardsWithLotsDue = (db: Tx, merchantId: string, now: string) =>
  db
    .selectFrom('point_lots')
    .select('card_id')
    .distinct()
    .where('expires_at', '<=', now)
    .where('merchant_id', '=', merchantId)
    .execute()

/** A merchant's cards whose points expire for inactivity by now (by the index on that moment). */
export const cardsIdleDue = (db: Tx, merchantId: string, now: string) =>
  db
    .selectFrom('card_summaries')
    .select('card_id')
    .where('idle_expiry_at', '<=', now)
    .where('merchant_id', '=', merchantId)
    .execute()

/** A merchant's cards whose summary was made under an older program version (0: never made). */
export const outdatedSummaries = (db: Tx, merchantId: string, version: number) =>
  db
    .selectFrom('card_summaries')
    .select('card_id')
    .where('merchant_id', '=', merchantId)
    .where('program_version', '<', version)
    .execute()

/** A merchant's cards whose summary has gone stale by `now` (by the index on merchant and stale_at). */
export const staleSummaries = (db: Tx, merchantId: string, now: string) =>
  db
    .selectFrom('card_summaries')
    .select('card_id')
    .where('merchant_id', '=', merchantId)
    .where('stale_at', '<=', now)
    .execute()

/**
 * A merchant's open cards of members whose birthday (month and day) is one of `days` ('MM-DD'), by
 * the index on the birthday's month and day: the birthday job reads the days in its window only.
 */
export const cardsWithBirthdayOn = (db: Tx, merchantId: string, days: string[]) =>
  db
    .selectFrom('customers as cu')
    .innerJoin('cards as c', 'c.customer_id', 'cu.id')
    .select(['c.id', 'cu.birthday'])
    .where(sql<string>`substr(cu.birthday, 6, 5)`, 'in', days)
    .where('c.merchant_id', '=', merchantId)
    .where('c.closed_at', 'is', null)
    .execute()

/** Which of these cards were already given a birthday bonus, by card and birthday year. */
export const birthdayGrantsOf = (db: Tx, cardIds: string[]) =>
  cardIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('bonus_grants')
        .select(['card_id', 'period'])
        .where('card_id', 'in', cardIds)
        .where('kind', '=', 'birthday')
        .execute()
