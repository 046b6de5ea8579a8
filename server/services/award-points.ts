import type { LedgerKind } from '../contract/card.js'
import type { AwardResponse } from '../contract/staff.js'
import type { Db } from '../db/connection.js'
import { appendLedgerEntry, cardByNumber, isReversed, ledgerEntryById } from '../db/queries/cards.js'
import { currentProgram, merchantById } from '../db/queries/merchants.js'
import type { Card } from '../db/schema.js'
import { pointsForPurchase, minorDigits } from '../domain/earning.js'
import { DomainError } from '../domain/errors.js'
import { newId } from '../domain/ids.js'
import { balanceAfter, reversalPoints } from '../domain/ledger.js'
import type { Actor, Deps } from './deps.js'
import { toLedgerEntry } from './dto.js'
import { runIdempotent, type Outcome } from './idempotency.js'
import { queueEarnedPush } from './push-queue.js'
import { cardForHandle, consumeRotatingCode } from './scan-card.js'

interface Posting {
  kind: LedgerKind
  points: number
  reason: string
  amountMinor?: number | null
  currency?: string | null
  reversesEntryId?: string | null
  programVersion?: number | null
}

/** The one way points move: an appended entry and the cached balance, in the caller's transaction. */
export async function postEntry(
  tx: Db,
  card: Card,
  actor: Actor,
  p: Posting,
  idempotencyKey: string | null,
  now: Date,
): Promise<Outcome<AwardResponse>> {
  const at = now.toISOString()
  const row = {
    id: newId(),
    card_id: card.id,
    merchant_id: card.merchant_id,
    kind: p.kind,
    points: p.points,
    balance_after: balanceAfter(card.balance, p.points),
    reason: p.reason,
    amount_minor: p.amountMinor ?? null,
    currency: p.currency ?? null,
    staff_id: actor.staffId,
    api_key_id: actor.apiKeyId,
    reverses_entry_id: p.reversesEntryId ?? null,
    lot_expires_at: null,
    program_version: p.programVersion ?? null,
    idempotency_key: idempotencyKey,
    created_at: at,
  }
  await appendLedgerEntry(tx, row, at)
  return { status: 201, body: { entry: toLedgerEntry(row), balance: row.balance_after } }
}

function formatMoney(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency)
  return `${(amountMinor / 10 ** digits).toFixed(digits)} ${currency}`
}

async function earnOnCard(tx: Db, card: Card, actor: Actor, amountMinor: number, key: string, now: Date) {
  const merchant = await merchantById(tx, card.merchant_id)
  const program = await currentProgram(tx, card.merchant_id, now.toISOString())
  if (!merchant || !program) throw new DomainError('not_found', 'The merchant has no program set up.')
  const points = pointsForPurchase(amountMinor, {
    pointsPerUnit: program.points_per_unit,
    unitMinor: program.unit_minor,
    rounding: program.rounding,
  })
  const outcome = await postEntry(
    tx,
    card,
    actor,
    {
      kind: 'earn',
      points,
      reason: `Purchase of ${formatMoney(amountMinor, merchant.currency)}`,
      amountMinor,
      currency: merchant.currency,
      programVersion: program.version,
    },
    key,
    now,
  )
  await queueEarnedPush(tx, card, points, outcome.body.balance, now)
  return outcome
}

/** Points for a purchase, at the till, on the card a scan opened. */
export function earnAtTill(deps: Deps, actor: Actor, req: { handle: string; amountMinor: number }, key: string) {
  const now = deps.clock.now()
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'staff:earn', key, request: req, now: now.toISOString() },
    async (tx) => earnOnCard(tx, await cardForHandle(tx, actor.merchantId, req.handle, now), actor, req.amountMinor, key, now),
  )
}

/** A manual correction by an owner or manager, with the reason the history will show. */
export function adjustAtTill(
  deps: Deps,
  actor: Actor,
  req: { handle: string; points: number; reason: string },
  key: string,
) {
  if (actor.role !== 'owner' && actor.role !== 'manager') {
    throw new DomainError('forbidden', 'Only an owner or a manager can adjust points by hand.')
  }
  const now = deps.clock.now()
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'staff:adjust', key, request: req, now: now.toISOString() },
    async (tx) => {
      const card = await cardForHandle(tx, actor.merchantId, req.handle, now)
      return postEntry(tx, card, actor, { kind: 'adjust', points: req.points, reason: req.reason }, key, now)
    },
  )
}

/** Undoes a recent award with a reversal entry; history is never edited. */
export function undoAward(deps: Deps, actor: Actor, req: { handle: string; entryId: string }, key: string) {
  const now = deps.clock.now()
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'staff:undo', key, request: req, now: now.toISOString() },
    async (tx) => {
      const card = await cardForHandle(tx, actor.merchantId, req.handle, now)
      const entry = await ledgerEntryById(tx, req.entryId)
      if (!entry || entry.card_id !== card.id) throw new DomainError('not_found', 'No such entry on this card.')
      const points = reversalPoints(
        { kind: entry.kind, points: entry.points, createdAt: entry.created_at, reversed: await isReversed(tx, entry.id) },
        now,
      )
      return postEntry(
        tx,
        card,
        actor,
        { kind: 'reversal', points, reason: `Undo: ${entry.reason}`, reversesEntryId: entry.id },
        key,
        now,
      )
    },
  )
}

/** A POS system's earn, by card number or by a scanned rotating code. */
export function earnFromPos(
  deps: Deps,
  actor: Actor,
  req: { cardNumber?: string | undefined; code?: string | undefined; amountMinor: number; reference?: string | undefined },
  key: string,
) {
  const now = deps.clock.now()
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'pos:earn', key, request: req, now: now.toISOString() },
    async (tx) => {
      let card: Card | undefined
      if (req.code) {
        card = await consumeRotatingCode(tx, actor.merchantId, req.code, now)
      } else {
        card = await cardByNumber(tx, (req.cardNumber ?? '').toUpperCase())
        if (!card || card.merchant_id !== actor.merchantId) {
          throw new DomainError('card_not_found', 'No card with this number in your program.')
        }
      }
      return earnOnCard(tx, card, actor, req.amountMinor, key, now)
    },
  )
}
