import { sql, type Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import { prepared } from '../prepared.js'
import type { PushPreferenceTable, PushSubscriptionTable } from '../schema.js'

/** Push devices (subscriptions), members' switches per shop, and each merchant's push settings. */
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
        feedback: row.feedback ?? 0,
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
