import { sql } from 'kysely'
import type { Tx } from '../connection.js'

/**
 * Every table holding rows about a member, how to find them, and what deleting the account does
 * to them. "Download my data" exports each table's rows; "delete my account" deletes the rows
 * marked 'delete' (cards and ledgers stay, anonymised through the customer row, so the
 * merchant's books still balance). A branch adding a member-owned table adds one line here.
 */
export interface MemberTable {
  table: string
  /** The column holding the member's customer id, or one of their card ids. */
  column: string
  via: 'customer' | 'card'
  /** 'erase': the row stays (anonymous figures) with the `erase` columns set to null, the link among them. */
  onDelete: 'delete' | 'keep' | 'erase'
  erase?: readonly string[]
  /** Our own secrets (token hashes) left out of the export. */
  omit?: readonly string[]
}

export const MEMBER_TABLES: readonly MemberTable[] = [
  { table: 'customers', column: 'id', via: 'customer', onDelete: 'keep' },
  { table: 'cards', column: 'customer_id', via: 'customer', onDelete: 'keep' },
  { table: 'ledger_entries', column: 'card_id', via: 'card', onDelete: 'keep' },
  { table: 'consent_events', column: 'customer_id', via: 'customer', onDelete: 'keep' },
  { table: 'sessions', column: 'customer_id', via: 'customer', onDelete: 'delete', omit: ['token_hash'] },
  { table: 'passkeys', column: 'customer_id', via: 'customer', onDelete: 'delete' },
  { table: 'webauthn_challenges', column: 'customer_id', via: 'customer', onDelete: 'delete' },
  { table: 'sign_in_links', column: 'customer_id', via: 'customer', onDelete: 'delete', omit: ['token_hash'] },
  { table: 'scan_handles', column: 'card_id', via: 'card', onDelete: 'delete' },
  { table: 'coupons', column: 'card_id', via: 'card', onDelete: 'keep' },
  { table: 'stamps', column: 'card_id', via: 'card', onDelete: 'keep' },
  { table: 'card_tiers', column: 'card_id', via: 'card', onDelete: 'keep' },
  // What is left of each lot and what the card screen shows (0040): kept from the ledger, like the balance.
  { table: 'point_lots', column: 'card_id', via: 'card', onDelete: 'keep' },
  { table: 'card_summaries', column: 'card_id', via: 'card', onDelete: 'keep' },
  { table: 'tier_changes', column: 'card_id', via: 'card', onDelete: 'keep' },
  { table: 'bonus_grants', column: 'card_id', via: 'card', onDelete: 'keep' },
  { table: 'push_subscriptions', column: 'customer_id', via: 'customer', onDelete: 'delete' },
  { table: 'push_preferences', column: 'card_id', via: 'card', onDelete: 'delete' },
  // Kept for the merchant's delivery figures, but their text (it may carry the name) is erased: see eraseNotificationText.
  { table: 'push_notifications', column: 'card_id', via: 'card', onDelete: 'keep' },
  { table: 'push_automation_runs', column: 'card_id', via: 'card', onDelete: 'keep' },
  // Which campaign group the member was drawn into (no personal data; kept so lift reports stay reproducible).
  { table: 'campaign_members', column: 'card_id', via: 'card', onDelete: 'keep' },
  // Feedback (issue 21): the scores stay in the figures, unlinked from the member; comments and texts go.
  { table: 'feedback_requests', column: 'card_id', via: 'card', onDelete: 'erase', erase: ['card_id', 'entry_id'] },
  {
    table: 'feedback_responses',
    column: 'card_id',
    via: 'card',
    onDelete: 'erase',
    erase: ['card_id', 'comment', 'thanks_entry_id', 'request_id'],
  },
  { table: 'feedback_answers', column: 'card_id', via: 'card', onDelete: 'erase', erase: ['card_id', 'text'] },
  { table: 'feedback_replies', column: 'card_id', via: 'card', onDelete: 'delete' },
  { table: 'feedback_card_asks', column: 'card_id', via: 'card', onDelete: 'delete' },
  // Rotating-code steps the card was opened with (kept a day at most; nothing personal).
  { table: 'code_step_uses', column: 'card_id', via: 'card', onDelete: 'delete' },
  // Scans a till queued offline: part of the merchant's books, like the ledger entries they made.
  { table: 'offline_scans', column: 'card_id', via: 'card', onDelete: 'keep' },
  // Answers replayed to a retrying till or POS (24 hours by default), stored without the member's name:
  // unlinked from the card on deletion, so a replay then names nobody.
  {
    table: 'idempotency_records',
    column: 'card_id',
    via: 'card',
    onDelete: 'erase',
    erase: ['card_id'],
    omit: ['request_hash'],
  },
  // Hashes of the email and device a welcome bonus was claimed by: kept, so deleting and joining again
  // does not earn a second welcome bonus (neither the address nor the device id can be read back).
  { table: 'welcome_claims', column: 'card_id', via: 'card', onDelete: 'keep' },
  // Wallet passes (issue 22): the updates waiting for them, the Apple devices that registered them
  // (push tokens), and the passes (the web-service token only as a hash, left out). Deleted in this
  // order: each row points at the next table's.
  { table: 'wallet_outbox', column: 'card_id', via: 'card', onDelete: 'delete' },
  { table: 'wallet_registrations', column: 'card_id', via: 'card', onDelete: 'delete' },
  { table: 'wallet_passes', column: 'card_id', via: 'card', onDelete: 'delete', omit: ['auth_token_hash'] },
]

export interface MemberIds {
  customerIds: string[]
  cardIds: string[]
}

/** The member's own id plus the wallets merged into it, and all their cards (open or closed). */
export async function memberIds(db: Tx, customerId: string): Promise<MemberIds> {
  const merged = await db.selectFrom('customers').select('id').where('merged_into_id', '=', customerId).execute()
  const customerIds = [customerId, ...merged.map((r) => r.id)]
  const cards = await db.selectFrom('cards').select('id').where('customer_id', 'in', customerIds).execute()
  return { customerIds, cardIds: cards.map((r) => r.id) }
}

const idsFor = (t: MemberTable, ids: MemberIds) => (t.via === 'customer' ? ids.customerIds : ids.cardIds)

export async function memberRows(db: Tx, t: MemberTable, ids: MemberIds): Promise<Record<string, unknown>[]> {
  const list = idsFor(t, ids)
  if (list.length === 0) return []
  const { rows } = await sql<
    Record<string, unknown>
  >`select * from ${sql.table(t.table)} where ${sql.ref(t.column)} in (${sql.join(list)})`.execute(db)
  return rows.map((r) => {
    const out = { ...r }
    for (const c of t.omit ?? []) delete out[c]
    return out
  })
}

export async function deleteMemberRows(db: Tx, t: MemberTable, ids: MemberIds): Promise<void> {
  const list = idsFor(t, ids)
  if (list.length === 0) return
  await sql`delete from ${sql.table(t.table)} where ${sql.ref(t.column)} in (${sql.join(list)})`.execute(db)
}

/** Sets the table's `erase` columns to null on the member's rows (the lookup column is among them). */
export async function eraseMemberColumns(db: Tx, t: MemberTable, ids: MemberIds): Promise<void> {
  const list = idsFor(t, ids)
  if (list.length === 0 || !t.erase?.length) return
  const set = sql.join(t.erase.map((c) => sql`${sql.ref(c)} = null`))
  await sql`update ${sql.table(t.table)} set ${set} where ${sql.ref(t.column)} in (${sql.join(list)})`.execute(db)
}

/** Notifications sent to the member stay countable (sent, opened) but say nothing about them any more. */
export async function eraseNotificationText(db: Tx, cardIds: string[]): Promise<void> {
  if (cardIds.length === 0) return
  await db.updateTable('push_notifications').set({ payload: '{}' }).where('card_id', 'in', cardIds).execute()
}
