import { createHash } from 'node:crypto'
import { writeTx, type Db } from '../../db/connection.js'
import {
  claimIdempotencyKey,
  completeIdempotencyRecord,
  idempotencyRecord,
  memberNameOfCard,
} from '../../db/queries/access.js'
import { DomainError } from '../../domain/errors.js'

export interface Outcome<T> {
  status: number
  body: T
  /** The card the answer is about: its record is exported with the member's data and unlinked on deletion. */
  cardId?: string | null
}

/**
 * Stored answers carry no personal data: a member's name is stored as null and read again on a
 * replay (from the record's card), so the name of a member who deleted the account never comes
 * back from an old answer. The rest of an answer (points, balances, coupon codes) is the merchant's.
 */
function withoutName(body: unknown): unknown {
  if (body && typeof body === 'object' && 'memberName' in body) return { ...body, memberName: null }
  return body
}
async function withName<T>(db: Db, body: T, cardId: string | null): Promise<T> {
  if (!body || typeof body !== 'object' || !('memberName' in body) || body.memberName !== null) return body
  return { ...body, memberName: cardId ? await memberNameOfCard(db, cardId) : '' }
}

/** Stable JSON (sorted keys) so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
}

export const requestHash = (request: unknown): string => createHash('sha256').update(canonical(request)).digest('hex')

export interface IdempotentCall {
  merchantId: string
  /** Which operation the key belongs to ("staff:earn", "pos:earn"): a key is never shared across operations. */
  scope: string
  key: string
  request: unknown
  now: string
}

/**
 * Runs a retryable write once per key. The first outcome is stored in the same transaction as the
 * write, so a replay returns what the first call answered and writes nothing (the member's name as
 * it is now, see withoutName); the same key with a different request is a 409. Failures are not
 * stored: nothing was written, so a retry may run. Records are purged after the retention period
 * (IDEMPOTENCY_RETENTION_HOURS, services/common/retention.ts): a retry later than that runs again.
 *
 * The key is claimed first, by inserting its record (no answer yet) unless one exists, and the
 * answer is filled in at the end. Concurrent calls with one key (a POS retrying on two processes at
 * once, on PostgreSQL) meet at that insert: the second waits for the first to commit, finds its
 * answer and replays it, instead of doing the work again or tripping the unique key. On the common
 * path (a new key) that is one statement, where a lookup and a lock would be two.
 */
export async function runIdempotent<T>(
  db: Db,
  call: IdempotentCall,
  fn: (tx: Db) => Promise<Outcome<T>>,
): Promise<Outcome<T> & { replayed: boolean }> {
  const hash = requestHash(call.request)
  return writeTx(db, async (tx) => {
    const mine = await claimIdempotencyKey(tx, {
      merchant_id: call.merchantId,
      scope: call.scope,
      key: call.key,
      request_hash: hash,
      status: 0,
      body: '',
      created_at: call.now,
    })
    const seen = mine ? undefined : await idempotencyRecord(tx, call.merchantId, call.scope, call.key)
    if (seen) {
      if (seen.request_hash !== hash) {
        throw new DomainError(
          'idempotency_conflict',
          'This Idempotency-Key was already used for a different request. Use a new key for a new operation.',
        )
      }
      const body = await withName(tx, JSON.parse(seen.body) as T, seen.card_id)
      return { status: seen.status, body, cardId: seen.card_id, replayed: true }
    }
    const outcome = await fn(tx)
    await completeIdempotencyRecord(tx, {
      merchantId: call.merchantId,
      scope: call.scope,
      key: call.key,
      status: outcome.status,
      body: JSON.stringify(withoutName(outcome.body)),
      cardId: outcome.cardId ?? null,
    })
    return { ...outcome, replayed: false }
  })
}
