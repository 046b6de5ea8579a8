import type { LedgerKind } from '../../contract/card.js'
import type { AwardResponse } from '../../contract/staff.js'
import type { Db } from '../../db/connection.js'
import { insertLedgerEntry, moveBalance } from '../../db/queries/cards.js'
import type { Card } from '../../db/schema.js'
import { newId } from '../../domain/ids.js'
import { balanceAfter } from '../../domain/ledger.js'
import type { Actor } from '../common/deps.js'
import { queueWalletUpdates } from '../wallet/updates.js'
import { toLedgerEntry } from '../common/dto.js'
import type { Outcome } from '../common/idempotency.js'

export interface Posting {
  kind: LedgerKind
  points: number
  reason: string
  amountMinor?: number | null
  currency?: string | null
  reversesEntryId?: string | null
  programVersion?: number | null
  /** When this lot expires (earn and bonus entries), set by the program engine. */
  lotExpiresAt?: string | null
  /** On an 'expire' entry: the lot it expires. */
  expiresEntryId?: string | null
  /** Where it happened (the till's location); null when nowhere in particular. */
  locationId?: string | null
}

/**
 * The one way points move: the cached balance and an appended entry, in the caller's transaction.
 * The balance moves first (`balance = balance + points`, which on PostgreSQL holds the card's row
 * until the commit), so balance_after is computed from the balance as it really is, even when
 * another process posted to the card after `card` was read; an overdraft is refused on that balance.
 */
export async function postEntry(
  tx: Db,
  card: Card,
  actor: Actor,
  p: Posting,
  idempotencyKey: string | null,
  now: Date,
): Promise<Outcome<AwardResponse>> {
  const at = now.toISOString()
  const balance = await moveBalance(tx, card.id, p.points, at, p.kind === 'earn')
  balanceAfter(balance - p.points, p.points) // throws insufficient_balance (and the transaction rolls back)
  const row = {
    id: newId(),
    card_id: card.id,
    merchant_id: card.merchant_id,
    kind: p.kind,
    points: p.points,
    balance_after: balance,
    reason: p.reason,
    amount_minor: p.amountMinor ?? null,
    currency: p.currency ?? null,
    staff_id: actor.staffId,
    api_key_id: actor.apiKeyId,
    reverses_entry_id: p.reversesEntryId ?? null,
    lot_expires_at: p.lotExpiresAt ?? null,
    program_version: p.programVersion ?? null,
    expires_entry_id: p.expiresEntryId ?? null,
    idempotency_key: idempotencyKey,
    created_at: at,
    location_id: p.locationId ?? null,
  }
  const seq = await insertLedgerEntry(tx, row)
  // The card's wallet passes show the balance: queued in this transaction, sent by the outbox.
  await queueWalletUpdates(tx, [card.id], now)
  return { status: 201, body: { entry: toLedgerEntry({ ...row, seq }), balance: row.balance_after } }
}
