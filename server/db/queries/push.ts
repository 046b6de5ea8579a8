import { sql, type Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import { prepared } from '../prepared.js'
import type {
  PushNotificationTable,
  PushOfferTable,
  PushOutboxTable,
  PushPreferenceTable,
  PushSubscriptionTable,
} from '../schema.js'

/* ---- devices ---- */

/** One row per endpoint: a device that subscribes again (or another wallet on it) takes the row over. */
export async function upsertSubscription(db: Tx, row: Insertable<PushSubscriptionTable>): Promise<string> {
  const existing = await db
    .selectFrom('push_subscriptions')
    .select('id')
    .where('endpoint', '=', row.endpoint)
    .executeTakeFirst()
  if (existing) {
    await db
      .updateTable('push_subscriptions')
      .set({ customer_id: row.customer_id, p256dh: row.p256dh, auth: row.auth, user_agent: row.user_agent ?? null })
      .where('id', '=', existing.id)
      .execute()
    return existing.id
  }
  await db.insertInto('push_subscriptions').values(row).execute()
  return row.id
}

export async function deleteSubscription(
  db: Tx,
  where: { id?: string; endpoint?: string; customerId?: string },
): Promise<number> {
  let q = db.deleteFrom('push_subscriptions')
  if (where.id) q = q.where('id', '=', where.id)
  if (where.endpoint) q = q.where('endpoint', '=', where.endpoint)
  if (where.customerId) q = q.where('customer_id', '=', where.customerId)
  const r = await q.executeTakeFirst()
  return Number(r.numDeletedRows)
}

const deviceOfCustomerQuery = prepared((db, a: { customerId: string }) =>
  db.selectFrom('push_subscriptions').select('id').where('customer_id', '=', a.customerId).limit(sql.lit(1)),
)
/** Asked on every earn: prepared (see prepared.ts). */
export async function hasDevice(db: Tx, customerId: string): Promise<boolean> {
  return (await deviceOfCustomerQuery(db, { customerId })).length > 0
}

export const subscriptionsOfCustomer = (db: Tx, customerId: string) =>
  db.selectFrom('push_subscriptions').selectAll().where('customer_id', '=', customerId).execute()

/* ---- member switches ---- */

export const preferencesOfCard = (db: Tx, cardId: string) =>
  db.selectFrom('push_preferences').selectAll().where('card_id', '=', cardId).executeTakeFirst()

export async function savePreferences(db: Tx, row: Insertable<PushPreferenceTable>): Promise<void> {
  await db
    .insertInto('push_preferences')
    .values(row)
    .onConflict((oc) =>
      oc.column('card_id').doUpdateSet({
        offers: row.offers,
        birthday: row.birthday,
        expiring: row.expiring,
        tiers: row.tiers,
        reminders: row.reminders,
        updated_at: row.updated_at,
      }),
    )
    .execute()
}

/* ---- merchant settings ---- */

export const settingsOfMerchant = (db: Tx, merchantId: string) =>
  db.selectFrom('push_settings').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst()

export async function saveSettings(
  db: Tx,
  row: {
    merchant_id: string
    quiet_start: string
    quiet_end: string
    daily_cap: number
    automations: string
    updated_at: string
  },
): Promise<void> {
  await db
    .insertInto('push_settings')
    .values(row)
    .onConflict((oc) =>
      oc.column('merchant_id').doUpdateSet({
        quiet_start: row.quiet_start,
        quiet_end: row.quiet_end,
        daily_cap: row.daily_cap,
        automations: row.automations,
        updated_at: row.updated_at,
      }),
    )
    .execute()
}

/* ---- notifications and the outbox ---- */

/** A card with what a notification needs: its member, merchant and consent. */
export const pushTarget = (db: Tx, cardId: string) =>
  db
    .selectFrom('cards as c')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .innerJoin('merchants as m', 'm.id', 'c.merchant_id')
    .select([
      'c.id as card_id',
      'c.customer_id',
      'c.merchant_id',
      'c.balance',
      'c.marketing_consent',
      'c.created_at as joined_at',
      'cu.name as member_name',
      'cu.birthday',
      'm.name as merchant_name',
      'm.slug',
      'm.logo_url',
      'm.timezone',
    ])
    .where('c.id', '=', cardId)
    .executeTakeFirst()
export type PushTarget = NonNullable<Awaited<ReturnType<typeof pushTarget>>>

export async function runExists(db: Tx, cardId: string, kind: string, period: string): Promise<boolean> {
  const r = await db
    .selectFrom('push_automation_runs')
    .select('card_id')
    .where('card_id', '=', cardId)
    .where('kind', '=', kind)
    .where('period', '=', period)
    .executeTakeFirst()
  return r !== undefined
}

export const insertRun = (
  db: Tx,
  row: { card_id: string; kind: string; period: string; notification_id: string | null; created_at: string },
) => db.insertInto('push_automation_runs').values(row).execute()

export async function marketingCountOnDay(db: Tx, cardId: string, localDay: string): Promise<number> {
  const r = await db
    .selectFrom('push_notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('card_id', '=', cardId)
    .where('local_day', '=', localDay)
    .where('marketing', '=', 1)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export const insertNotification = (db: Tx, row: Insertable<PushNotificationTable>) =>
  db.insertInto('push_notifications').values(row).execute()

export const insertOutbox = (db: Tx, rows: Insertable<PushOutboxTable>[]) =>
  rows.length ? db.insertInto('push_outbox').values(rows).execute() : Promise.resolve([])

/** Due rows (queued, not_before passed), oldest first, with their device and payload. */
export const dueOutbox = (db: Tx, now: string, limit: number) =>
  db
    .selectFrom('push_outbox as o')
    .innerJoin('push_notifications as n', 'n.id', 'o.notification_id')
    .leftJoin('push_subscriptions as s', 's.id', 'o.subscription_id')
    .select([
      'o.id',
      'o.subscription_id',
      'o.attempts',
      'o.ttl',
      'o.urgency',
      'o.topic',
      'n.payload',
      's.endpoint',
      's.p256dh',
      's.auth',
    ])
    .where('o.state', '=', 'queued')
    .where('o.not_before', '<=', now)
    .orderBy('o.not_before')
    .orderBy('o.id')
    .limit(limit)
    .execute()
export type DueRow = Awaited<ReturnType<typeof dueOutbox>>[number]

/** Claims rows for sending; only rows still queued move, so two claimers never share one. */
export async function claimOutbox(db: Tx, ids: string[], now: string): Promise<number> {
  if (!ids.length) return 0
  const r = await db
    .updateTable('push_outbox')
    .set({ state: 'sending', claimed_at: now })
    .where('id', 'in', ids)
    .where('state', '=', 'queued')
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

export const updateOutbox = (
  db: Tx,
  id: string,
  set: Partial<Pick<PushOutboxTable, 'state' | 'not_before' | 'sent_at' | 'last_status' | 'last_error'>> & {
    attempts?: number
  },
) => db.updateTable('push_outbox').set(set).where('id', '=', id).execute()

const CHUNK = 400

/** Attempts in multi-row inserts (a fan-out writes thousands per round). */
export async function insertAttempts(
  db: Tx,
  rows: Array<{
    id: string
    outbox_id: string
    status: number
    error: string | null
    duration_ms: number
    created_at: string
  }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('push_attempts')
      .values(rows.slice(i, i + CHUNK))
      .execute()
}

/** Delivered rows, grouped by their attempt count and status so each group is one UPDATE. */
export async function markSent(
  db: Tx,
  rows: Array<{ id: string; attempts: number; status: number; subscriptionId: string | null }>,
  now: string,
): Promise<void> {
  const groups = new Map<string, string[]>()
  for (const r of rows) {
    const k = `${r.attempts}:${r.status}`
    const list = groups.get(k) ?? []
    list.push(r.id)
    groups.set(k, list)
  }
  for (const [k, ids] of groups) {
    const [attempts, status] = k.split(':').map(Number)
    for (let i = 0; i < ids.length; i += CHUNK) {
      await db
        .updateTable('push_outbox')
        .set({ state: 'sent', sent_at: now, attempts: attempts!, last_status: status!, last_error: null })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute()
    }
  }
  const subs = [...new Set(rows.map((r) => r.subscriptionId).filter((s): s is string => s !== null))]
  for (let i = 0; i < subs.length; i += CHUNK) {
    await db
      .updateTable('push_subscriptions')
      .set({ last_success_at: now })
      .where('id', 'in', subs.slice(i, i + CHUNK))
      .execute()
  }
}

/**
 * Rows left in `sending` by a process that stopped mid-send may already have been delivered:
 * they are failed, never sent again.
 */
export async function failInterrupted(db: Tx, now: string): Promise<number> {
  const r = await db
    .updateTable('push_outbox')
    .set({ state: 'failed', last_error: `interrupted at ${now}: may have been delivered, not sent again` })
    .where('state', '=', 'sending')
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

export async function recordClick(db: Tx, notificationId: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('push_notifications')
    .set({ clicked_at: now })
    .where('id', '=', notificationId)
    .where('clicked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

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

export const merchantIds = (db: Tx) => db.selectFrom('merchants').select(['id']).execute()

/* ---- offers ---- */

export const insertOffer = (db: Tx, row: Insertable<PushOfferTable>) =>
  db.insertInto('push_offers').values(row).execute()

export const dueOffers = (db: Tx, now: string) =>
  db
    .selectFrom('push_offers')
    .selectAll()
    .where('state', 'in', ['scheduled', 'sending'])
    .where('send_at', '<=', now)
    .orderBy('send_at')
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
