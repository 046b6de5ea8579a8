import { TOTP_PERIOD_SECONDS, type ParsedCode } from '../../contract/card-code.js'
import type { PracticeCard } from '../../contract/platform.js'
import type { AwardResponse, EarnPreview, ScanResponse } from '../../contract/staff.js'
import { writeTx, type Db } from '../../db/connection.js'
import { consumePracticeStep, insertPracticeCard, markFirstRunStep, practiceCardOf } from '../../db/queries/platform.js'
import { earnForPurchase, type EarnResult } from '../../domain/earning-rules.js'
import { DomainError } from '../../domain/errors.js'
import { newCardNumber, newId, randomToken, sha256 } from '../../domain/ids.js'
import { newTotpSecret, verifyCode } from '../../domain/rotating-code.js'
import type { Actor, Deps } from '../common/deps.js'
import { programContext, type ProgramContext } from '../program/engine.js'

/*
 * The practice card lets a new owner try the till before any member exists. It has a card number and
 * a TOTP secret like any card, so it scans the same way, but it belongs to no member and no ledger:
 * an award on it is computed under the program in force and shown, and nothing is written but the
 * checklist step. Insights, exports and member lists never see it.
 */

const PRACTICE_PREFIX = 'practice.'
const HANDLE_TTL_MS = 5 * 60 * 1000

export const isPracticeHandle = (handle: string) => handle.startsWith(PRACTICE_PREFIX)

export async function practiceCardNumber(db: Db, merchantId: string): Promise<string | null> {
  return (await practiceCardOf(db, merchantId))?.card_number ?? null
}

/** The business's practice card, made on first ask. */
export async function practiceCard(deps: Deps, merchantId: string): Promise<PracticeCard> {
  let row = await practiceCardOf(deps.db, merchantId)
  if (!row) {
    await writeTx(deps.db, (tx) =>
      insertPracticeCard(tx, {
        merchant_id: merchantId,
        card_number: newCardNumber(),
        totp_secret: newTotpSecret(),
        last_code_step: null,
        created_at: deps.clock.now().toISOString(),
      }),
    )
    row = (await practiceCardOf(deps.db, merchantId))!
  }
  return { cardNumber: row.card_number, totpSecret: row.totp_secret, totpPeriod: TOTP_PERIOD_SECONDS }
}

/** A scan of the practice card: the code is checked (once per step, as for any card), a handle returned. */
export async function scanPracticeCard(
  deps: Deps,
  merchantId: string,
  code: ParsedCode,
  now: Date,
): Promise<Omit<ScanResponse, 'location'>> {
  const row = (await practiceCardOf(deps.db, merchantId))!
  const step = verifyCode(row.totp_secret, code.totp, now)
  const handle = PRACTICE_PREFIX + randomToken(24)
  const expiresAt = new Date(now.getTime() + HANDLE_TTL_MS).toISOString()
  const ok = await writeTx(deps.db, (tx) =>
    consumePracticeStep(tx, merchantId, step, { hash: sha256(handle), expiresAt }),
  )
  if (!ok) {
    throw new DomainError('code_used', 'This code was already used. The code changes every 30 seconds: try again.')
  }
  return {
    handle,
    handleExpiresAt: expiresAt,
    card: {
      cardId: 'practice',
      cardNumber: row.card_number,
      memberName: 'Practice card',
      balance: 0,
      joinedAt: row.created_at,
      recent: [],
      tier: null,
      stamps: null,
      coupons: [],
      marketingConsent: null,
      practice: true,
    },
  }
}

type PracticeRequest = { handle: string; amountMinor: number; discountMinor?: number | undefined }

/**
 * What a purchase would earn on the practice card: the program in force, as for a member without a
 * tier who earned nothing today. The handle must be the one its last scan gave, still fresh.
 */
async function practiceQuote(
  deps: Deps,
  actor: Actor,
  req: PracticeRequest,
  now: Date,
): Promise<{ ctx: ProgramContext; earned: EarnResult }> {
  const row = await practiceCardOf(deps.db, actor.merchantId)
  const at = now.toISOString()
  if (!row || row.handle_hash !== sha256(req.handle) || !row.handle_expires_at || row.handle_expires_at <= at) {
    throw new DomainError('handle_expired', 'The card was opened too long ago. Scan the card again.')
  }
  const ctx = await programContext(deps.db, actor.merchantId, now)
  const earned = earnForPurchase({
    amountMinor: req.amountMinor,
    discountMinor: req.discountMinor ?? 0,
    at: now,
    timezone: ctx.merchant.timezone,
    currency: ctx.merchant.currency,
    rules: ctx.rules,
    tier: null,
    earnedToday: 0,
  })
  return { ctx, earned }
}

/** The till's preview on the practice card: the same quote its award shows. */
export async function practicePreview(deps: Deps, actor: Actor, req: PracticeRequest): Promise<EarnPreview> {
  const { earned } = await practiceQuote(deps, actor, req, deps.clock.now())
  return { points: earned.points, reason: earned.reason, breakdown: earned.breakdown }
}

/** An award on the practice card: what the program would give, shown and not recorded. */
export async function practiceEarn(deps: Deps, actor: Actor, req: PracticeRequest): Promise<AwardResponse> {
  const now = deps.clock.now()
  const at = now.toISOString()
  const { ctx, earned } = await practiceQuote(deps, actor, req, now)
  await writeTx(deps.db, (tx) => markFirstRunStep(tx, actor.merchantId, 'test_scan', at))
  return {
    entry: {
      id: `practice-${newId()}`,
      kind: 'earn',
      points: earned.points,
      balanceAfter: earned.points,
      reason: `Practice (not recorded): ${earned.reason}`,
      // A practice award is not an entry; its text says so, in English only.
      reasonCode: null,
      reasonParams: null,
      amountMinor: req.amountMinor,
      currency: ctx.merchant.currency,
      reversesEntryId: null,
      reversed: false,
      createdAt: at,
      seq: 1,
    },
    balance: earned.points,
  }
}
