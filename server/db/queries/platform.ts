import type { Insertable, Updateable } from 'kysely'
import type { Tx } from '../connection.js'
import type { BusinessInviteTable, EmailVerificationTable, MerchantTable, PracticeCardTable } from '../schema.js'

/* Many businesses on one installation: status, operators, invitations, verification, the first run. */

export const setMerchantFields = (db: Tx, merchantId: string, set: Updateable<MerchantTable>) =>
  db.updateTable('merchants').set(set).where('id', '=', merchantId).executeTakeFirst()

export const allBusinesses = (db: Tx) => db.selectFrom('merchants').selectAll().orderBy('created_at', 'desc').execute()

/** Ids of the businesses automations and offers run for: not suspended, not closed. */
export const activeMerchantIds = (db: Tx) =>
  db.selectFrom('merchants').select(['id']).where('suspended_at', 'is', null).where('closed_at', 'is', null).execute()

/* ---- operators ---- */

export const insertOperator = (db: Tx, staffId: string, at: string) =>
  db
    .insertInto('operators')
    .values({ staff_id: staffId, created_at: at })
    .onConflict((oc) => oc.column('staff_id').doNothing())
    .execute()

export const operatorRow = (db: Tx, staffId: string) =>
  db.selectFrom('operators').select('staff_id').where('staff_id', '=', staffId).executeTakeFirst()

/* ---- sign-up invitations ---- */

export const insertBusinessInvite = (db: Tx, row: Insertable<BusinessInviteTable>) =>
  db.insertInto('business_invites').values(row).execute()

export const businessInviteByHash = (db: Tx, tokenHash: string) =>
  db.selectFrom('business_invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()

/** Uses an invitation once: one conditional UPDATE that must change one row. */
export async function useBusinessInvite(db: Tx, tokenHash: string, merchantId: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('business_invites')
    .set({ used_at: now, merchant_id: merchantId })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export const businessInvites = (db: Tx) =>
  db
    .selectFrom('business_invites as i')
    .leftJoin('merchants as m', 'm.id', 'i.merchant_id')
    .select(['i.id', 'i.note', 'i.created_at', 'i.expires_at', 'i.used_at', 'm.name as business_name'])
    .orderBy('i.created_at', 'desc')
    .limit(100)
    .execute()

/* ---- email verification ---- */

export const insertEmailVerification = (db: Tx, row: Insertable<EmailVerificationTable>) =>
  db.insertInto('email_verifications').values(row).execute()

export async function consumeEmailVerification(db: Tx, tokenHash: string, now: string) {
  const r = await db
    .updateTable('email_verifications')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  if (Number(r.numUpdatedRows) !== 1) return undefined
  return db.selectFrom('email_verifications').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/* ---- first run ---- */

export const firstRunSteps = (db: Tx, merchantId: string) =>
  db.selectFrom('first_run_steps').selectAll().where('merchant_id', '=', merchantId).execute()

/** Records a step once; the first time stands. */
export const markFirstRunStep = (db: Tx, merchantId: string, step: string, at: string, skipped = false) =>
  db
    .insertInto('first_run_steps')
    .values({ merchant_id: merchantId, step, done_at: at, skipped: skipped ? 1 : 0 })
    .onConflict((oc) => oc.columns(['merchant_id', 'step']).doNothing())
    .execute()

export const practiceCardOf = (db: Tx, merchantId: string) =>
  db.selectFrom('practice_cards').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst()

export const insertPracticeCard = (db: Tx, row: Insertable<PracticeCardTable>) =>
  db
    .insertInto('practice_cards')
    .values(row)
    .onConflict((oc) => oc.column('merchant_id').doNothing())
    .execute()

/** Marks the practice card's code step used (once) and remembers the handle the scan gives. */
export async function consumePracticeStep(
  db: Tx,
  merchantId: string,
  step: number,
  handle: { hash: string; expiresAt: string },
): Promise<boolean> {
  const r = await db
    .updateTable('practice_cards')
    .set({ last_code_step: step, handle_hash: handle.hash, handle_expires_at: handle.expiresAt })
    .where('merchant_id', '=', merchantId)
    .where((eb) => eb.or([eb('last_code_step', 'is', null), eb('last_code_step', '<', step)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/* ---- what the operator sees: counts per business, never who ---- */

type Counts = Promise<Array<{ merchant_id: string; n: number | string | bigint }>>

export const openCardCounts = (db: Tx): Counts =>
  db
    .selectFrom('cards')
    .select(['merchant_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('closed_at', 'is', null)
    .groupBy('merchant_id')
    .execute()

export const purchaseCountsSince = (db: Tx, since: string): Counts =>
  db
    .selectFrom('ledger_entries')
    .select(['merchant_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('kind', '=', 'earn')
    .where('amount_minor', 'is not', null)
    .where('created_at', '>=', since)
    .groupBy('merchant_id')
    .execute()

export const activeMemberCountsSince = (db: Tx, since: string): Counts =>
  db
    .selectFrom('ledger_entries')
    .select(['merchant_id', (eb) => eb.fn.count<number>('card_id').distinct().as('n')])
    .where('kind', '=', 'earn')
    .where('amount_minor', 'is not', null)
    .where('created_at', '>=', since)
    .groupBy('merchant_id')
    .execute()

export const pushCountsSince = (db: Tx, since: string): Counts =>
  db
    .selectFrom('push_notifications')
    .select(['merchant_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .groupBy('merchant_id')
    .execute()

export const locationCounts = (db: Tx): Counts =>
  db
    .selectFrom('locations')
    .select(['merchant_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('archived_at', 'is', null)
    .groupBy('merchant_id')
    .execute()

export const activeStaffCounts = (db: Tx): Counts =>
  db
    .selectFrom('staff')
    .select(['merchant_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('active', '=', 1)
    .groupBy('merchant_id')
    .execute()

/** Push notifications still waiting to go out for a business: failed when it is suspended. */
export const failQueuedPushes = (db: Tx, merchantId: string, now: string) =>
  db
    .updateTable('push_outbox')
    .set({ state: 'failed', last_error: 'business suspended', sent_at: null, claimed_at: now })
    .where('merchant_id', '=', merchantId)
    .where('state', '=', 'queued')
    .execute()

/* ---- the closing export: the books by card number, without names, emails or birthdays ---- */

export const exportCards = (db: Tx, merchantId: string) =>
  db
    .selectFrom('cards')
    .select(['card_number', 'balance', 'created_at', 'closed_at'])
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at', 'asc')
    .execute()

export const exportLedger = (db: Tx, merchantId: string) =>
  db
    .selectFrom('ledger_entries as e')
    .innerJoin('cards as c', 'c.id', 'e.card_id')
    .select([
      'c.card_number',
      'e.kind',
      'e.points',
      'e.balance_after',
      'e.amount_minor',
      'e.location_id',
      'e.created_at',
    ])
    .where('e.merchant_id', '=', merchantId)
    .orderBy('e.created_at', 'asc')
    .orderBy('e.id', 'asc')
    .execute()

export const deleteOldEmailVerifications = (db: Tx, before: string) =>
  db.deleteFrom('email_verifications').where('expires_at', '<', before).execute()
