import { parseCardCode } from '../../contract/card-code.js'
import { OFFLINE_MAX_AGE_HOURS, type QueuedScanRequest, type QueuedScanResponse } from '../../contract/staff.js'
import { writeTx, type Db } from '../../db/connection.js'
import { cardById, consumeCodeStep, lockedCardByNumber } from '../../db/queries/cards.js'
import { locationOf } from '../../db/queries/locations.js'
import { customerById } from '../../db/queries/people.js'
import { codeStepUsed, insertOfflineScan, offlineScanByKey, recordCodeStep } from '../../db/queries/till.js'
import type { Card } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import { verifyCode } from '../../domain/rotating-code.js'
import type { Actor, Deps } from '../common/deps.js'
import { runIdempotent } from '../common/idempotency.js'
import { tillLocation } from '../locations/locations.js'
import { stampCard } from '../perks/stamps.js'
import { assertBusinessOpen } from '../platform/status.js'
import { earnOnCard } from './award.js'
import { cardClosed, codeUsed } from './scan.js'

/** The till's clock may run a little ahead of ours. */
export const CAPTURE_SKEW_MS = 2 * 60_000
export const CAPTURE_MAX_AGE_MS = OFFLINE_MAX_AGE_HOURS * 3_600_000

const invalid = () =>
  new DomainError('code_invalid', 'This card code is not valid. Ask the customer to show the card again.')

/** A capture time we can believe: not in the future (beyond a little skew), not older than 12 hours. */
export function assertPlausibleCapture(capturedAt: Date, now: Date): void {
  if (capturedAt.getTime() > now.getTime() + CAPTURE_SKEW_MS) {
    throw new DomainError(
      'capture_in_future',
      "This scan says it was made later than now. Check the till's clock, then scan the card again.",
    )
  }
  if (capturedAt.getTime() < now.getTime() - CAPTURE_MAX_AGE_MS) {
    throw new DomainError(
      'capture_too_old',
      `This scan was made more than ${OFFLINE_MAX_AGE_HOURS} hours ago and can no longer be accepted.`,
    )
  }
}

/**
 * The card behind a code the till captured at `capturedAt`: the code must have been valid then (its
 * step, plus or minus one) and its step unused for the card, online or queued. The step is recorded
 * as used in the caller's transaction; on PostgreSQL a concurrent use of it collides on the key.
 */
async function consumeCapturedCode(tx: Db, merchantId: string, code: string, capturedAt: Date, now: Date) {
  const parsed = parseCardCode(code)
  if (!parsed) throw invalid()
  const card = await lockedCardByNumber(tx, parsed.cardNumber)
  if (!card || card.merchant_id !== merchantId) throw invalid()
  if (card.closed_at) throw cardClosed()
  const step = verifyCode(card.totp_secret, parsed.totp, capturedAt)
  if (card.last_code_step === step || (await codeStepUsed(tx, card.id, step))) throw codeUsed()
  await recordCodeStep(tx, card.id, step, now.toISOString())
  // An online scan of the same code after this one must fail too: the newest step moves up if need be.
  await consumeCodeStep(tx, card.id, step, capturedAt.toISOString())
  return card
}

/**
 * A scan the till queued while offline, sent now: an award for a purchase or a stamp, at the moment
 * the code was captured and at the location the till stood at then (checked as a scan's is). A
 * suspended or closed business takes none. Idempotent by its key (a till retries until it hears an
 * answer); accepted and refused ones are both recorded in `offline_scans`, which the staff alerts read.
 */
export async function recordQueuedScan(
  deps: Deps,
  actor: Actor,
  req: QueuedScanRequest,
  key: string,
): Promise<QueuedScanResponse> {
  const now = deps.clock.now()
  const capturedAt = new Date(req.capturedAt)
  try {
    const r = await runIdempotent<QueuedScanResponse>(
      deps.db,
      { merchantId: actor.merchantId, scope: 'staff:queued', key, request: req, now: now.toISOString() },
      async (tx) => {
        await assertBusinessOpen(tx, actor.merchantId)
        assertPlausibleCapture(capturedAt, now)
        const location = await tillLocation(
          tx,
          { merchantId: actor.merchantId, staffId: actor.staffId },
          req.locationId,
        )
        const card = await consumeCapturedCode(tx, actor.merchantId, req.code, capturedAt, now)
        const at = { locationId: location?.id ?? null, capturedAt }
        const body = await applyAction(tx, card, actor, req.action, key, now, at)
        await insertOfflineScan(tx, {
          ...record(actor, req, key, now),
          card_id: card.id,
          outcome: 'accepted',
          entry_id: body.entry?.id ?? null,
          location_id: at.locationId,
        })
        return { status: 201, body, cardId: card.id }
      },
    )
    return r.body
  } catch (e) {
    if (e instanceof DomainError && e.code !== 'idempotency_conflict') await recordRefusal(deps, actor, req, key, e)
    throw e
  }
}

async function applyAction(
  tx: Db,
  card: Card,
  actor: Actor,
  action: QueuedScanRequest['action'],
  key: string,
  now: Date,
  at: { locationId: string | null; capturedAt: Date },
): Promise<QueuedScanResponse> {
  const memberName = (await customerById(tx, card.customer_id))?.name ?? ''
  if (action.kind === 'earn') {
    const r = await earnOnCard(tx, card, actor, action.amountMinor, action.discountMinor ?? 0, key, now, {
      locationId: at.locationId,
      purchasedAt: at.capturedAt,
    })
    return {
      cardNumber: card.card_number,
      memberName,
      balance: r.body.balance,
      entry: r.body.entry,
      stamps: null,
      couponTitle: null,
    }
  }
  const s = await stampCard(tx, card, actor, at.capturedAt, at.locationId)
  return {
    cardNumber: card.card_number,
    memberName,
    balance: (await cardById(tx, card.id))?.balance ?? card.balance,
    entry: null,
    stamps: { filled: s.stamps.filled, required: s.stamps.required },
    couponTitle: s.coupon?.title ?? null,
  }
}

const record = (actor: Actor, req: QueuedScanRequest, key: string, now: Date) => ({
  id: newId(),
  merchant_id: actor.merchantId,
  staff_id: actor.staffId,
  idempotency_key: key,
  action: req.action.kind,
  amount_minor: req.action.kind === 'earn' ? req.action.amountMinor : null,
  captured_at: new Date(req.capturedAt).toISOString(),
  synced_at: now.toISOString(),
})

/** A refusal is kept (once per key) so the staff alerts can see forged or reused codes. */
async function recordRefusal(deps: Deps, actor: Actor, req: QueuedScanRequest, key: string, e: DomainError) {
  const now = deps.clock.now()
  const parsed = parseCardCode(req.code)
  await writeTx(deps.db, async (tx) => {
    if (await offlineScanByKey(tx, actor.merchantId, key)) return
    const card = parsed ? await lockedCardByNumber(tx, parsed.cardNumber) : undefined
    // The location the till named, if it is one of this business's (the refusal may be that it is not).
    const location = req.locationId ? await locationOf(tx, actor.merchantId, req.locationId) : undefined
    await insertOfflineScan(tx, {
      ...record(actor, req, key, now),
      card_id: card?.merchant_id === actor.merchantId ? card.id : null,
      outcome: 'refused',
      reason: e.code,
      entry_id: null,
      location_id: location?.id ?? null,
    })
  })
}
