import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { WalletOutboxTable, WalletPassTable, WalletRegistrationTable } from '../schema-wallet.js'

/* Wallet passes (Apple, Google), Apple's device registrations, and the wallet outbox (migration 0080). */

export const passOfCard = (db: Tx, cardId: string, kind: 'apple' | 'google') =>
  db.selectFrom('wallet_passes').selectAll().where('card_id', '=', cardId).where('kind', '=', kind).executeTakeFirst()

export const passById = (db: Tx, id: string) =>
  db.selectFrom('wallet_passes').selectAll().where('id', '=', id).executeTakeFirst()

export const passesOfCard = (db: Tx, cardId: string) =>
  db.selectFrom('wallet_passes').selectAll().where('card_id', '=', cardId).execute()

/** The passes an update goes to (a posting's card: the earn path asks this once per write). */
export const passTargetsOfCards = (db: Tx, cardIds: string[]) =>
  db.selectFrom('wallet_passes').select(['id', 'card_id', 'kind']).where('card_id', 'in', cardIds).execute()

export const passByMemberCode = (db: Tx, code: string) =>
  db.selectFrom('wallet_passes').selectAll().where('member_code', '=', code).executeTakeFirst()

export const insertPass = (db: Tx, row: Insertable<WalletPassTable>) =>
  db.insertInto('wallet_passes').values(row).execute()

export const setPassSecrets = (
  db: Tx,
  id: string,
  set: { auth_token_hash?: string; member_code?: string; google_object_id?: string },
) => db.updateTable('wallet_passes').set(set).where('id', '=', id).execute()

/** The pass shows something new: Apple's "updated since" and If-Modified-Since go by this. */
export const touchPasses = (db: Tx, ids: string[], now: string) =>
  ids.length
    ? db.updateTable('wallet_passes').set({ updated_at: now }).where('id', 'in', ids).execute()
    : Promise.resolve([])

export const passesOfMerchant = (db: Tx, merchantId: string) =>
  db.selectFrom('wallet_passes').select(['id', 'card_id', 'kind']).where('merchant_id', '=', merchantId).execute()

export const setPassOutcome = (
  db: Tx,
  id: string,
  set: { last_status: string; last_error: string | null; last_sent_at?: string },
) => db.updateTable('wallet_passes').set(set).where('id', '=', id).execute()

/* ---- Apple's device registrations ---- */

export const registration = (db: Tx, passId: string, deviceLibraryId: string) =>
  db
    .selectFrom('wallet_registrations')
    .selectAll()
    .where('pass_id', '=', passId)
    .where('device_library_id', '=', deviceLibraryId)
    .executeTakeFirst()

export const registrationsOfPasses = (db: Tx, passIds: string[]) =>
  passIds.length
    ? db.selectFrom('wallet_registrations').selectAll().where('pass_id', 'in', passIds).execute()
    : Promise.resolve([])

export const insertRegistration = (db: Tx, row: Insertable<WalletRegistrationTable>) =>
  db.insertInto('wallet_registrations').values(row).execute()

export const setPushToken = (db: Tx, id: string, pushToken: string) =>
  db.updateTable('wallet_registrations').set({ push_token: pushToken }).where('id', '=', id).execute()

export const deleteRegistration = (db: Tx, id: string) =>
  db.deleteFrom('wallet_registrations').where('id', '=', id).execute()

/** Serial numbers (pass ids) a device registered for, of one pass type, changed after `since`. */
export function passesOfDevice(db: Tx, deviceLibraryId: string, since: string | null) {
  let q = db
    .selectFrom('wallet_registrations as r')
    .innerJoin('wallet_passes as p', 'p.id', 'r.pass_id')
    .select(['p.id', 'p.updated_at'])
    .where('r.device_library_id', '=', deviceLibraryId)
  if (since) q = q.where('p.updated_at', '>', since)
  return q.execute()
}

/** Forgets a card's passes: their outbox rows, registrations and the passes themselves. */
export async function deletePassesOfCard(db: Tx, cardId: string): Promise<number> {
  await db.deleteFrom('wallet_outbox').where('card_id', '=', cardId).execute()
  await db.deleteFrom('wallet_registrations').where('card_id', '=', cardId).execute()
  const r = await db.deleteFrom('wallet_passes').where('card_id', '=', cardId).executeTakeFirst()
  return Number(r.numDeletedRows)
}

/* ---- the outbox ---- */

export const insertWalletOutbox = (db: Tx, rows: Insertable<WalletOutboxTable>[]) =>
  rows.length ? db.insertInto('wallet_outbox').values(rows).execute() : Promise.resolve([])

/** Targets (a registration for APNs, a pass for Google) that already have an update waiting. */
export async function queuedTargets(db: Tx, passIds: string[]): Promise<Set<string>> {
  if (!passIds.length) return new Set()
  const rows = await db
    .selectFrom('wallet_outbox')
    .select(['kind', 'pass_id', 'registration_id'])
    .where('pass_id', 'in', passIds)
    .where('state', '=', 'queued')
    .execute()
  return new Set(rows.map((r) => (r.kind === 'apns' ? `apns:${r.registration_id}` : `google:${r.pass_id}`)))
}

/**
 * Due rows with what sending them needs, held for the claim (FOR UPDATE of the outbox row, SKIP
 * LOCKED on PostgreSQL), as push_outbox's dueOutbox does.
 */
export const dueWalletOutbox = (db: Tx, now: string, limit: number) =>
  db
    .selectFrom('wallet_outbox as o')
    .innerJoin('wallet_passes as p', 'p.id', 'o.pass_id')
    .leftJoin('wallet_registrations as r', 'r.id', 'o.registration_id')
    .select(['o.id', 'o.kind', 'o.pass_id', 'o.card_id', 'o.registration_id', 'o.attempts', 'p.google_object_id'])
    .select('r.push_token')
    .where('o.state', '=', 'queued')
    .where('o.not_before', '<=', now)
    .orderBy('o.not_before')
    .orderBy('o.id')
    .limit(limit)
    .forUpdate(['o'])
    .skipLocked()
    .execute()
export type WalletDueRow = Awaited<ReturnType<typeof dueWalletOutbox>>[number]

export async function claimWalletOutbox(db: Tx, ids: string[], now: string, until: string): Promise<number> {
  if (!ids.length) return 0
  const r = await db
    .updateTable('wallet_outbox')
    .set({ state: 'sending', claimed_at: now, claimed_until: until })
    .where('id', 'in', ids)
    .where('state', '=', 'queued')
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

export const updateWalletOutbox = (
  db: Tx,
  id: string,
  set: Partial<Pick<WalletOutboxTable, 'state' | 'not_before' | 'sent_at' | 'last_status' | 'last_error'>> & {
    attempts?: number
  },
) => db.updateTable('wallet_outbox').set(set).where('id', '=', id).execute()

/**
 * Rows a stopped process left in `sending`: failed, never sent twice (see failInterrupted of the
 * push outbox; `expiredOnly` on PostgreSQL, where other processes may be sending theirs).
 */
export async function failInterruptedWallet(db: Tx, now: string, expiredOnly: boolean): Promise<number> {
  let q = db
    .updateTable('wallet_outbox')
    .set({ state: 'failed', last_error: `interrupted at ${now}: may have been delivered, not sent again` })
    .where('state', '=', 'sending')
  if (expiredOnly) q = q.where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
  const r = await q.executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/* ---- the console's figures ---- */

export async function walletFigures(db: Tx, merchantId: string) {
  const passes = await db
    .selectFrom('wallet_passes')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', merchantId)
    .groupBy('kind')
    .execute()
  const devices = await db
    .selectFrom('wallet_registrations as r')
    .innerJoin('wallet_passes as p', 'p.id', 'r.pass_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('p.merchant_id', '=', merchantId)
    .executeTakeFirstOrThrow()
  const last = await db
    .selectFrom('wallet_passes')
    .select(['kind', 'last_status', 'last_error', 'last_sent_at'])
    .where('merchant_id', '=', merchantId)
    .where('last_sent_at', 'is not', null)
    .orderBy('last_sent_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return { passes, devices: Number(devices.n), last }
}
