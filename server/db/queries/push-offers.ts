import { type Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { PushOfferTable } from '../schema.js'

/** Offers, the members automations consider, and the console's push figures. */
/* ---- candidates for the automations ---- */

/** Members of a merchant with at least one device, with their join time and consent. */
export const subscribedMembers = (db: Tx, merchantId: string) =>
  db
    .selectFrom('cards as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select(['c.id as card_id', 'c.created_at', 'c.marketing_consent', 'cu.birthday'])
    .where('c.merchant_id', '=', merchantId)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('push_subscriptions as s').select('s.id').whereRef('s.customer_id', '=', 'c.customer_id'),
      ),
    )
    .execute()

/**
 * Points expiring between `from` and `until` per card: the positive entries' lot_expires_at.
 * Candidates only: the automation replays each card's ledger for what is really left of those lots.
 */
export async function pointsExpiringSoon(db: Tx, merchantId: string, from: string, until: string) {
  const rows = await db
    .selectFrom('ledger_entries')
    .select((eb) => [
      'card_id',
      eb.fn.sum<number>('points').as('points'),
      eb.fn.min<string>('lot_expires_at').as('first_expiry'),
    ])
    .where('merchant_id', '=', merchantId)
    .where('points', '>', 0)
    .where('lot_expires_at', '>', from)
    .where('lot_expires_at', '<=', until)
    .groupBy('card_id')
    .execute()
  return rows.map((r) => ({ card_id: r.card_id, points: Number(r.points), first_expiry: r.first_expiry }))
}

/** Tier upgrades recorded by the program engine since a moment. */
export const recentTierUps = (db: Tx, since: string) =>
  db
    .selectFrom('tier_changes')
    .select(['id', 'card_id', 'from_tier', 'to_tier'])
    .where('direction', '=', 'up')
    .where('created_at', '>=', since)
    .orderBy('created_at')
    .execute()

/** Cards the last re-evaluation found below their tier's threshold (they drop after the grace period). */
export const tiersAtRisk = (db: Tx) =>
  db
    .selectFrom('card_tiers')
    .select(['card_id', 'tier', 'below_since'])
    .where('below_since', 'is not', null)
    .$narrowType<{ below_since: string }>()
    .execute()

/** Businesses automations run for: a suspended or closed one sends nothing. */
export const merchantIds = (db: Tx) =>
  db.selectFrom('merchants').select(['id']).where('suspended_at', 'is', null).where('closed_at', 'is', null).execute()

/* ---- offers ---- */

export const insertOffer = (db: Tx, row: Insertable<PushOfferTable>) =>
  db.insertInto('push_offers').values(row).execute()

/** Offers whose time has come, of businesses that may send (a suspended one's wait for its resumption). */
export const dueOffers = (db: Tx, now: string) =>
  db
    .selectFrom('push_offers as o')
    .innerJoin('merchants as m', 'm.id', 'o.merchant_id')
    .selectAll('o')
    .where('o.state', 'in', ['scheduled', 'sending'])
    .where('o.send_at', '<=', now)
    .where('m.suspended_at', 'is', null)
    .where('m.closed_at', 'is', null)
    .orderBy('o.send_at')
    .execute()

export const offersOfMerchant = (db: Tx, merchantId: string) =>
  db
    .selectFrom('push_offers')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute()

export const setOfferState = (
  db: Tx,
  id: string,
  set: { state: 'sending' | 'sent'; recipients?: number; sent_at?: string },
) => db.updateTable('push_offers').set(set).where('id', '=', id).execute()

/** Cards of a merchant for an offer's segment (consent is checked again per member). */
export function segmentMembers(db: Tx, merchantId: string, segment: string, now: Date) {
  let q = db
    .selectFrom('cards as c')
    .select(['c.id as card_id'])
    .where('c.merchant_id', '=', merchantId)
    .where('c.marketing_consent', '=', 1)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('push_subscriptions as s').select('s.id').whereRef('s.customer_id', '=', 'c.customer_id'),
      ),
    )
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString()
  if (segment === 'new_30d') q = q.where('c.created_at', '>=', daysAgo(30))
  if (segment === 'lapsed_90d') {
    const cutoff = daysAgo(90)
    q = q
      .where('c.created_at', '<', cutoff)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('ledger_entries as e')
              .select('e.id')
              .whereRef('e.card_id', '=', 'c.id')
              .where('e.kind', '=', 'earn')
              .where('e.created_at', '>=', cutoff),
          ),
        ),
      )
  }
  return q.execute()
}

/* ---- figures for the console ---- */

export async function pushFigures(db: Tx, merchantId: string, since: string) {
  const members = await db
    .selectFrom('cards as c')
    .select((eb) => [eb.fn.countAll<number>().as('members'), eb.fn.sum<number>('c.marketing_consent').as('consenting')])
    .where('c.merchant_id', '=', merchantId)
    .executeTakeFirstOrThrow()
  const optedIn = await db
    .selectFrom('cards as c')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('c.merchant_id', '=', merchantId)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('push_subscriptions as s').select('s.id').whereRef('s.customer_id', '=', 'c.customer_id'),
      ),
    )
    .executeTakeFirstOrThrow()
  const notes = await db
    .selectFrom('push_notifications')
    .select((eb) => [eb.fn.countAll<number>().as('notifications'), eb.fn.count<number>('clicked_at').as('clicked')])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow()
  const states = await db
    .selectFrom('push_outbox')
    .select((eb) => ['state', eb.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', since)
    .groupBy('state')
    .execute()
  const by = Object.fromEntries(states.map((s) => [s.state, Number(s.n)]))
  return {
    members: Number(members.members),
    consenting: Number(members.consenting ?? 0),
    optedIn: Number(optedIn.n),
    notifications: Number(notes.notifications),
    clicked: Number(notes.clicked),
    delivered: by.sent ?? 0,
    failed: by.failed ?? 0,
    pending: (by.queued ?? 0) + (by.sending ?? 0),
  }
}

/** Clicks per offer, for the offers listed. */
export const offerClicks = async (db: Tx, offerIds: string[]) =>
  offerIds.length
    ? db
        .selectFrom('push_notifications')
        .select((eb) => ['offer_id', eb.fn.count<number>('clicked_at').as('n')])
        .where('offer_id', 'in', offerIds)
        .groupBy('offer_id')
        .execute()
    : []
