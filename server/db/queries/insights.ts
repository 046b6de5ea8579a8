import type { Tx } from '../connection.js'
import type {
  InsightMemberTable,
  InsightPointsDayTable,
  InsightSettingsTable,
  InsightWatermarkTable,
} from '../schema.js'

const CHUNK = 500

/* Reads for the insights (segments and dashboard). Each is one portable query; per-member folding is in JS. */

export const insightSettingsOf = (db: Tx, merchantId: string) =>
  db.selectFrom('insight_settings').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst()

export async function saveInsightSettings(db: Tx, row: InsightSettingsTable): Promise<void> {
  const { merchant_id: _, ...set } = row
  await db
    .insertInto('insight_settings')
    .values(row)
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet(set))
    .execute()
}

/** The merchant's open cards (closed ones were merged away or erased); unordered, callers sort what they show. */
export const openCardsOf = (db: Tx, merchantId: string) =>
  db
    .selectFrom('cards')
    .select(['id', 'created_at', 'balance'])
    .where('merchant_id', '=', merchantId)
    .where('closed_at', 'is', null)
    .execute()

/* ---- summaries (0008), refreshed from a watermark ---- */

export const watermarkOf = (db: Tx, merchantId: string) =>
  db.selectFrom('insight_watermarks').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst()

export async function setWatermark(db: Tx, row: InsightWatermarkTable): Promise<void> {
  await db
    .insertInto('insight_watermarks')
    .values(row)
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ through: row.through, timezone: row.timezone }))
    .execute()
}

/** Drops a merchant's summaries (they are rebuilt from the ledger). */
export async function clearSummaries(db: Tx, merchantId: string): Promise<void> {
  await db.deleteFrom('insight_members').where('merchant_id', '=', merchantId).execute()
  await db.deleteFrom('insight_points_days').where('merchant_id', '=', merchantId).execute()
  await db.deleteFrom('insight_watermarks').where('merchant_id', '=', merchantId).execute()
}

/**
 * The entries the insights fold, created in (after, upto] (upto null: up to now), oldest first;
 * ledger_merchant_time (merchant_id, created_at) serves the range.
 */
export function entriesBetween(db: Tx, merchantId: string, after: string, upto: string | null) {
  let q = db
    .selectFrom('ledger_entries')
    .select(['id', 'card_id', 'kind', 'created_at', 'amount_minor', 'points', 'reverses_entry_id'])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>', after)
    .where('kind', 'in', ['earn', 'bonus', 'redeem', 'reversal'])
  if (upto !== null) q = q.where('created_at', '<=', upto)
  return q.orderBy('created_at').orderBy('id').execute()
}

/** The purchases some reversals took back. */
export async function reversedPurchases(db: Tx, ids: readonly string[]) {
  const out: Array<{ id: string; card_id: string; created_at: string; amount_minor: number }> = []
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('ledger_entries')
      .select(['id', 'card_id', 'created_at', 'amount_minor'])
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .where('kind', '=', 'earn')
      .where('amount_minor', 'is not', null)
      .$narrowType<{ amount_minor: number }>()
      .execute()
    out.push(...rows)
  }
  return out
}

export const memberRowsOf = (db: Tx, merchantId: string) =>
  db
    .selectFrom('insight_members')
    .select(['card_id', 'days', 'counts', 'spends'])
    .where('merchant_id', '=', merchantId)
    .execute()

export async function memberRowsByCard(db: Tx, cardIds: readonly string[]) {
  const out: Array<{ card_id: string; days: string; counts: string; spends: string }> = []
  for (let i = 0; i < cardIds.length; i += CHUNK) {
    out.push(
      ...(await db
        .selectFrom('insight_members')
        .select(['card_id', 'days', 'counts', 'spends'])
        .where('card_id', 'in', cardIds.slice(i, i + CHUNK))
        .execute()),
    )
  }
  return out
}

const WRITE_CHUNK = 150

export async function upsertMemberRows(db: Tx, rows: InsightMemberTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    await db
      .insertInto('insight_members')
      .values(rows.slice(i, i + WRITE_CHUNK))
      .onConflict((oc) =>
        oc.column('card_id').doUpdateSet((eb) => ({
          days: eb.ref('excluded.days'),
          counts: eb.ref('excluded.counts'),
          spends: eb.ref('excluded.spends'),
        })),
      )
      .execute()
  }
}

/** Adds points to the per-day totals. */
export async function addPointsDays(db: Tx, rows: InsightPointsDayTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    await db
      .insertInto('insight_points_days')
      .values(rows.slice(i, i + WRITE_CHUNK))
      .onConflict((oc) =>
        oc.columns(['merchant_id', 'day', 'kind']).doUpdateSet((eb) => ({
          points: eb('insight_points_days.points', '+', eb.ref('excluded.points')),
        })),
      )
      .execute()
  }
}

/** Points per kind on UTC days from `sinceDay` (YYYY-MM-DD) in the summaries. */
export async function pointsSince(db: Tx, merchantId: string, sinceDay: string) {
  const rows = await db
    .selectFrom('insight_points_days')
    .select((eb) => ['kind', eb.fn.sum<number>('points').as('points')])
    .where('merchant_id', '=', merchantId)
    .where('day', '>=', sinceDay)
    .groupBy('kind')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.points ?? 0)])) as Record<string, number>
}

/** Open cards whose member has at least one push device. */
export async function cardsWithDevice(db: Tx, merchantId: string): Promise<number> {
  const r = await db
    .selectFrom('cards as c')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('c.merchant_id', '=', merchantId)
    .where('c.closed_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('push_subscriptions as s').select('s.id').whereRef('s.customer_id', '=', 'c.customer_id'),
      ),
    )
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Notifications sent since a moment and how many were opened. */
export async function clicksSince(db: Tx, merchantId: string, since: string) {
  const r = await db
    .selectFrom('push_notifications')
    .select((eb) => [eb.fn.countAll<number>().as('sent'), eb.fn.count<number>('clicked_at').as('clicked')])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow()
  return { sent: Number(r.sent), clicked: Number(r.clicked) }
}

/** Name, card number and (with marketing consent) email of some of the merchant's cards. */
export async function membersByCard(db: Tx, merchantId: string, cardIds: readonly string[]) {
  const out: Array<{
    card_id: string
    card_number: string
    name: string
    email: string | null
    marketing_consent: number
  }> = []
  for (let i = 0; i < cardIds.length; i += CHUNK) {
    out.push(
      ...(await db
        .selectFrom('cards as c')
        .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
        .select(['c.id as card_id', 'c.card_number', 'cu.name', 'cu.email', 'c.marketing_consent'])
        .where('c.merchant_id', '=', merchantId)
        .where('c.id', 'in', cardIds.slice(i, i + CHUNK))
        .execute()),
    )
  }
  return out
}

/** When the merchant's first ledger entry was posted (undefined: none yet). */
export const firstEntryAt = (db: Tx, merchantId: string) =>
  db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.min<string>('created_at').as('t'))
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst()

export const clearPointsDays = (db: Tx, merchantId: string) =>
  db.deleteFrom('insight_points_days').where('merchant_id', '=', merchantId).execute()
