import { type Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { PushNotificationTable, PushOutboxTable } from '../schema.js'

/** Notifications and the outbox: what is queued, claimed, sent, retried and clicked. */
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
      'cu.locale as member_locale',
      'm.default_locale',
      'm.name as merchant_name',
      'm.slug',
      'm.logo_url',
      'm.timezone',
      'm.suspended_at',
      'm.closed_at',
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

/** Notifications of the capped kinds (marketing, and the feedback questions) to a card on a local day. */
export async function cappedCountOnDay(db: Tx, cardId: string, localDay: string, kinds: string[]): Promise<number> {
  const r = await db
    .selectFrom('push_notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('card_id', '=', cardId)
    .where('local_day', '=', localDay)
    .where('kind', 'in', kinds)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export const insertNotification = (db: Tx, row: Insertable<PushNotificationTable>) =>
  db.insertInto('push_notifications').values(row).execute()

export const insertOutbox = (db: Tx, rows: Insertable<PushOutboxTable>[]) =>
  rows.length ? db.insertInto('push_outbox').values(rows).execute() : Promise.resolve([])

/**
 * Due rows (queued, not_before passed), oldest first, with their device and payload. For a claim in
 * a write transaction: on PostgreSQL each row is held (FOR UPDATE OF the outbox row) and rows another
 * process holds are skipped (SKIP LOCKED), so senders sharing the outbox each take different rows
 * without waiting for one another.
 */
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
    .forUpdate(['o'])
    .skipLocked()
    .execute()
export type DueRow = Awaited<ReturnType<typeof dueOutbox>>[number]

/**
 * Claims rows for sending until `until` (the lease); only rows still queued move, so two claimers
 * never share one.
 */
export async function claimOutbox(db: Tx, ids: string[], now: string, until: string): Promise<number> {
  if (!ids.length) return 0
  const r = await db
    .updateTable('push_outbox')
    .set({ state: 'sending', claimed_at: now, claimed_until: until })
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
 * they are failed, never sent again. `expiredOnly`: only rows whose lease has run out (other
 * processes may be sending the rest right now); otherwise every row in `sending`.
 */
export async function failInterrupted(db: Tx, now: string, expiredOnly: boolean): Promise<number> {
  let q = db
    .updateTable('push_outbox')
    .set({ state: 'failed', last_error: `interrupted at ${now}: may have been delivered, not sent again` })
    .where('state', '=', 'sending')
  if (expiredOnly) q = q.where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
  const r = await q.executeTakeFirst()
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
