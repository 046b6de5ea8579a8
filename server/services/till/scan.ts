import type { ScanResponse } from '../../contract/staff.js'
import { parseCardCode, parseMemberCode } from '../../contract/card-code.js'
import { writeTx, type Db } from '../../db/connection.js'
import { insertScanHandle, scanHandle } from '../../db/queries/access.js'
import { cardById, consumeCodeStep, lockedCardById, lockedCardByNumber } from '../../db/queries/cards.js'
import { recordCodeStep } from '../../db/queries/till.js'
import type { Card } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'
import { randomToken } from '../../domain/ids.js'
import { verifyCode } from '../../domain/rotating-code.js'
import type { Actor, Deps } from '../common/deps.js'
import { isPracticeHandle, practiceCardNumber, scanPracticeCard } from '../first-run/practice.js'
import { tillLocation, toLocationRef } from '../locations/locations.js'
import { assertBusinessOpen } from '../platform/status.js'
import { cardForMemberCode } from '../wallet/member-code.js'
import { cardSummary } from './card-summary.js'

/** How long the scanner may act on a card after one scan (award, undo, redeem). */
export const HANDLE_TTL_MS = 5 * 60 * 1000

const invalid = () =>
  new DomainError('code_invalid', 'This card code is not valid. Ask the customer to show the card again.')

/** A card merged into another or of a deleted account takes no more points. */
export const cardClosed = () =>
  new DomainError(
    'card_closed',
    "This card was closed (merged into another card or its account deleted). Ask for the member's current card.",
  )

/**
 * Checks a rotating code against the merchant's card and marks its step used (once, atomically).
 * A card of another merchant reads as an invalid code: staff learn nothing about other merchants.
 * In a write transaction only: the card is held to the commit (an earn by code goes on with it).
 */
export async function consumeRotatingCode(tx: Db, merchantId: string, code: string, now: Date): Promise<Card> {
  const parsed = parseCardCode(code)
  if (!parsed) throw invalid()
  const card = await lockedCardByNumber(tx, parsed.cardNumber)
  if (!card || card.merchant_id !== merchantId) throw invalid()
  if (card.closed_at) throw cardClosed()
  const step = verifyCode(card.totp_secret, parsed.totp, now)
  if (!(await consumeCodeStep(tx, card.id, step, now.toISOString()))) throw codeUsed()
  // Kept for a day, so a scan queued offline can be checked against the steps used since (till/offline.ts).
  await recordCodeStep(tx, card.id, step, now.toISOString())
  return card
}

/** A handle opened by a wallet pass's static code takes no points away (no redemption, no minus). */
export const awardOnlyCode = () =>
  new DomainError(
    'award_only_code',
    "This is the card's wallet pass code: it adds points only. To redeem, ask for the code in the app or the coupon's code.",
  )

export const codeUsed = () =>
  new DomainError(
    'code_used',
    'This code was already used. Ask the customer to show the card again: the code changes every 30 seconds.',
  )

/** Owners and managers see the member's marketing consent on the scanned card; cashiers don't. */
export const seesConsent = (role: Actor['role']) => role === 'owner' || role === 'manager'

/**
 * Opens a card at the till: checks the code, and returns a 5-minute handle for what follows, which
 * happens at the location the scan was made at (see locations/tillLocation). The first-run practice
 * card scans like any card; what follows on it is shown but never recorded.
 */
export async function scanCard(
  deps: Deps,
  staff: { id: string; merchantId: string; role: Actor['role'] },
  code: string,
  locationId?: string,
): Promise<ScanResponse> {
  const now = deps.clock.now()
  await assertBusinessOpen(deps.db, staff.merchantId)
  const location = await tillLocation(deps.db, { merchantId: staff.merchantId, staffId: staff.id }, locationId)
  const where = location ? toLocationRef(location) : null
  const parsed = parseCardCode(code)
  if (parsed && parsed.cardNumber === (await practiceCardNumber(deps.db, staff.merchantId))) {
    return { ...(await scanPracticeCard(deps, staff.merchantId, parsed, now)), location: where }
  }
  const handle = randomToken(24)
  const expiresAt = new Date(now.getTime() + HANDLE_TTL_MS)
  // An Apple Wallet pass's static code opens the card for awards only (it never rotates).
  const awardOnly = parseMemberCode(code) !== null
  const card = await writeTx(deps.db, async (tx) => {
    const c = awardOnly
      ? await cardForMemberCode(tx, staff.merchantId, code)
      : await consumeRotatingCode(tx, staff.merchantId, code, now)
    if (c.closed_at) throw cardClosed()
    await insertScanHandle(tx, {
      id: handle,
      card_id: c.id,
      merchant_id: staff.merchantId,
      staff_id: staff.id,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      location_id: location?.id ?? null,
      award_only: awardOnly ? 1 : 0,
    })
    return c
  })
  return {
    handle,
    handleExpiresAt: expiresAt.toISOString(),
    card: await cardSummary(deps.db, card, now, seesConsent(staff.role)),
    location: where,
    ...(awardOnly ? { awardOnly: true } : {}),
  }
}

/**
 * The card a scan handle opened and where, if the handle is this merchant's and still fresh and the
 * business may still work at the till. In a write transaction the card is held to the commit (`lock`,
 * the default); a read outside one passes false.
 */
export async function openHandle(
  tx: Db,
  merchantId: string,
  handle: string,
  now: Date,
  lock = true,
): Promise<{ card: Card; locationId: string | null; awardOnly: boolean }> {
  if (isPracticeHandle(handle)) {
    throw new DomainError('practice_card', 'This is the practice card: try an award; nothing else is recorded on it.')
  }
  const h = await scanHandle(tx, handle, merchantId)
  if (!h || h.expires_at <= now.toISOString()) {
    throw new DomainError('handle_expired', 'The card was opened too long ago. Scan the card again.')
  }
  await assertBusinessOpen(tx, merchantId)
  const card = lock ? await lockedCardById(tx, h.card_id) : await cardById(tx, h.card_id)
  if (!card) throw new DomainError('card_not_found', 'The card no longer exists.')
  return { card, locationId: h.location_id, awardOnly: h.award_only === 1 }
}

/** The card a scan handle opened (see openHandle). */
export const cardForHandle = async (tx: Db, merchantId: string, handle: string, now: Date, lock = true) =>
  (await openHandle(tx, merchantId, handle, now, lock)).card
