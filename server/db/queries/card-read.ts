import { sql } from 'kysely'
import type { Tx } from '../connection.js'
import { prepared } from '../prepared.js'

/*
 * The member's card screen in two reads: the card with everything it shows (this query), and the
 * newest page of its history (recentHistory). Both prepared: building a query costs more than
 * SQLite takes to run it, and members' phones ask every few seconds while the card is open.
 */

function memberCards(db: Tx, now: string) {
  return (
    db
      .selectFrom('cards as c')
      .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
      .innerJoin('merchants as m', 'm.id', 'c.merchant_id')
      .leftJoin('card_summaries as s', 's.card_id', 'c.id')
      .leftJoin('stamp_cards as sc', 'sc.merchant_id', 'c.merchant_id')
      // The program version in force now: its earning rate, and whether the summary was made under it.
      .leftJoin('program_versions as pv', (j) =>
        j.on('pv.id', '=', (eb) =>
          eb
            .selectFrom('program_versions as v')
            .select('v.id')
            .whereRef('v.merchant_id', '=', 'c.merchant_id')
            .where('v.effective_from', '<=', now)
            .orderBy('v.version', 'desc')
            .limit(sql.lit(1)),
        ),
      )
      .select([
        'c.id',
        'c.card_number',
        'c.balance',
        'c.totp_secret',
        'c.created_at',
        'c.updated_at',
        'c.last_used_at',
        'c.merchant_id',
        'c.referral_code',
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
        'pv.version as program_version',
        'pv.points_per_unit',
        'pv.unit_minor',
        's.program_version as summary_version',
        's.status as summary_status',
        's.stale_at as summary_stale_at',
        'sc.stamps_required',
        'sc.reward_title as stamp_reward_title',
        'sc.active as stamps_active',
      ])
      .select((eb) => [
        eb
          .selectFrom('coupons as co')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('co.card_id', '=', 'c.id')
          .where('co.state', '=', 'active')
          .where((e) => e.or([e('co.valid_until', 'is', null), e('co.valid_until', '>', now)]))
          .as('coupons_ready'),
        eb
          .selectFrom('stamps as st')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('st.card_id', '=', 'c.id')
          .where('st.coupon_id', 'is', null)
          .as('stamps_open'),
        eb
          .selectFrom('stamps as st')
          .select((e) => e.fn.max('st.created_at').as('last'))
          .whereRef('st.card_id', '=', 'c.id')
          .where('st.coupon_id', 'is', null)
          .as('stamps_last_at'),
      ])
  )
}
export type MemberCardRow = Awaited<ReturnType<ReturnType<typeof memberCards>['executeTakeFirstOrThrow']>>

const memberCardQuery = prepared((db, a: { customerId: string; cardId: string; now: string }) =>
  memberCards(db, a.now).where('c.customer_id', '=', a.customerId).where('c.id', '=', a.cardId),
)
/** One of the member's cards with what its screen shows; undefined when it is not theirs. */
export const memberCard = async (db: Tx, customerId: string, cardId: string, now: string) =>
  (await memberCardQuery(db, { customerId, cardId, now }))[0] as MemberCardRow | undefined

const memberCardsQuery = prepared((db, a: { customerId: string; now: string }) =>
  memberCards(db, a.now)
    .where('c.customer_id', '=', a.customerId)
    .orderBy('c.last_used_at', 'desc')
    .orderBy('c.created_at', 'desc'),
)
/** Every card in the member's wallet, as memberCard gives one: the card used last first (a card never used counts from its join). */
export const memberCardList = (db: Tx, customerId: string, now: string) =>
  memberCardsQuery(db, { customerId, now }) as Promise<MemberCardRow[]>

/** The newest page of history and one entry more (which says whether there is an older page). */
export const RECENT_HISTORY_ROWS = 51
/** What a history line shows (toLedgerEntry): reading only these costs half of reading whole rows. */
const HISTORY_COLUMNS = [
  'e.id',
  'e.kind',
  'e.points',
  'e.balance_after',
  'e.reason',
  'e.reason_code',
  'e.reason_params',
  'e.amount_minor',
  'e.currency',
  'e.reverses_entry_id',
  'e.created_at',
  'e.seq',
] as const
export type HistoryColumn = (typeof HISTORY_COLUMNS)[number] extends `e.${infer C}` ? C : never
/** The newest RECENT_HISTORY_ROWS entries in posting order, each with whether a reversal names it. */
const recentHistoryQuery = prepared((db, a: { cardId: string }) =>
  db
    .selectFrom('ledger_entries as e')
    .select(HISTORY_COLUMNS)
    .select((eb) =>
      eb
        .selectFrom('ledger_entries as r')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('r.reverses_entry_id', '=', 'e.id')
        .as('reversed_count'),
    )
    .where('e.card_id', '=', a.cardId)
    .orderBy('e.seq', 'desc')
    .limit(sql.lit(RECENT_HISTORY_ROWS)),
)
export const recentHistory = (db: Tx, cardId: string) => recentHistoryQuery(db, { cardId })
