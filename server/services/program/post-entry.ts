import type { LedgerKind } from '../../contract/card.js'
import type { AwardResponse } from '../../contract/staff.js'
import type { Db } from '../../db/connection.js'
import { insertLedgerEntry, moveBalance } from '../../db/queries/cards.js'
import type { Card } from '../../db/schema.js'
import { newId } from '../../domain/ids.js'
import type { Reason } from '../../domain/i18n/reasons.js'
import { balanceAfter } from '../../domain/ledger.js'
import type { Actor } from '../common/deps.js'
import { queueWalletUpdates } from '../wallet/updates.js'
import { toLedgerEntry } from '../common/dto.js'
import type { Outcome } from '../common/idempotency.js'
import { applyToLots, touchCard, type SummaryInputs } from './card-summary.js'
import { emitEvent, LEDGER_EVENT, type EmitOptions } from '../webhooks/events.js'

export interface Posting {
  kind: LedgerKind
  points: number
  /** The English text of the time (what older readers and the API's `reason` show). */
  reason: string
  /** The same reason as a code and parameters, rendered in each reader's language (0060). */
  why?: Reason
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

/** What the caller read in this transaction after taking the card's lock, so the posting reads none of it again. */
export interface KnownReads extends SummaryInputs {
  /** The business's active webhook endpoints (see emitEvent). */
  endpoints?: EmitOptions['endpoints']
  /** Whether the card has wallet passes: with none, there is no update to queue. */
  hasPasses?: boolean
}

/**
 * The one way points move: the cached balance and an appended entry, in the caller's transaction.
 * The balance moves first (`balance = balance + points`, which on PostgreSQL holds the card's row
 * until the commit), so balance_after is computed from the balance as it really is, even when
 * another process posted to the card after `card` was read; an overdraft is refused on that balance.
 * The card's lots move with the entry, and its summary is recomputed before the commit.
 * The entry's webhook event (points.earned, .spent, .adjusted, .expired) is written in the same
 * transaction, so it exists exactly when the entry does.
 */
export async function postEntry(
  tx: Db,
  card: Card,
  actor: Actor,
  p: Posting,
  idempotencyKey: string | null,
  now: Date,
  known: KnownReads = {},
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
    reason_code: p.why?.code ?? null,
    reason_params: p.why?.params ? JSON.stringify(p.why.params) : null,
  }
  const seq = await insertLedgerEntry(tx, row)
  // What is left of each lot, and (once, before the commit) the card's summary.
  await applyToLots(tx, card, {
    id: row.id,
    seq,
    points: p.points,
    lotExpiresAt: row.lot_expires_at,
    expiresEntryId: row.expires_entry_id,
  })
  touchCard(tx, card.id, card.merchant_id, now, p.kind === 'expire' ? undefined : at, known)
  await emitEvent(
    tx,
    card.merchant_id,
    LEDGER_EVENT[p.kind]!,
    {
      cardId: card.id,
      cardNumber: card.card_number,
      entryId: row.id,
      kind: p.kind,
      points: p.points,
      balanceAfter: row.balance_after,
      amountMinor: row.amount_minor,
      currency: row.currency,
      locationId: row.location_id,
      staffId: row.staff_id,
      apiKeyId: row.api_key_id,
    },
    now,
    { endpoints: known.endpoints },
  )
  // The card's wallet passes show the balance: queued in this transaction, sent by the outbox.
  if (known.hasPasses !== false) await queueWalletUpdates(tx, [card.id], now)
  return { status: 201, body: { entry: toLedgerEntry({ ...row, seq }), balance: row.balance_after }, cardId: card.id }
}
