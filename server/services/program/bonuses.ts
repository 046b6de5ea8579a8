import type { Db } from '../../db/connection.js'
import type { Reason } from '../../domain/i18n/reasons.js'
import { lockedCardById } from '../../db/queries/cards.js'
import { customerById } from '../../db/queries/people.js'
import {
  bonusGrant,
  cardByReferralCode,
  insertBonusGrant,
  insertWelcomeClaims,
  setReferral,
  welcomeClaimed,
} from '../../db/queries/program.js'
import type { Card } from '../../db/schema.js'
import { referralRefusal } from '../../domain/bonuses.js'
import { lotExpiry } from '../../domain/expiry.js'
import { newId, newLinkCode } from '../../domain/ids.js'
import { programContext, systemActor, type ProgramContext } from './engine.js'
import { postEntry } from './post-entry.js'
import { upgradeIfQualified } from './tiers.js'

/**
 * A bonus (welcome, birthday, referral) at most once per card, kind and period; the grant row and the
 * entry are written in the caller's transaction. Returns whether it was granted.
 */
export async function grantBonus(
  tx: Db,
  cardId: string,
  ctx: ProgramContext,
  b: { kind: 'welcome' | 'birthday' | 'referral'; period: string; points: number; reason: string; why: Reason },
  now: Date,
): Promise<boolean> {
  if (b.points <= 0) return false
  if (await bonusGrant(tx, cardId, b.kind, b.period)) return false
  const card = await lockedCardById(tx, cardId)
  if (!card) return false
  const posted = await postEntry(
    tx,
    card,
    systemActor(card.merchant_id),
    {
      kind: 'bonus',
      points: b.points,
      reason: b.reason,
      why: b.why,
      programVersion: ctx.version,
      lotExpiresAt: lotExpiry(now, ctx.rules.expiry, ctx.merchant.timezone),
    },
    null,
    now,
  )
  await insertBonusGrant(tx, {
    id: newId(),
    card_id: cardId,
    merchant_id: card.merchant_id,
    kind: b.kind,
    period: b.period,
    entry_id: posted.body.entry.id,
    created_at: now.toISOString(),
  })
  await upgradeIfQualified(tx, cardId, ctx, now)
  return true
}

/** After a friend's first purchase: both the friend and the member who referred them get the bonus, once. */
export async function grantReferralBonuses(tx: Db, friend: Card, ctx: ProgramContext, now: Date): Promise<void> {
  if (!friend.referred_by_card_id || ctx.rules.referralBonus <= 0) return
  // The friend's card is held already (the earn locked it); the referrer's is taken now. Two such
  // earns cannot wait on each other in a circle (a member is referred only by an earlier one); a
  // wallet merge locking the same two cards the other way round is a deadlock that PostgreSQL
  // breaks by aborting one transaction, which writeTx runs again.
  const referrer = await lockedCardById(tx, friend.referred_by_card_id)
  if (!referrer || referrer.merchant_id !== friend.merchant_id) return
  const [a, b] = await Promise.all([customerById(tx, referrer.customer_id), customerById(tx, friend.customer_id)])
  if (!a || !b) return
  if (referralRefusal({ customerId: a.id, email: a.email }, { customerId: b.id, email: b.email })) return
  const points = ctx.rules.referralBonus
  await grantBonus(
    tx,
    referrer.id,
    ctx,
    {
      kind: 'referral',
      period: friend.id,
      points,
      reason: 'Referral bonus: a friend you invited made their first purchase',
      why: { code: 'referral_inviter' },
    },
    now,
  )
  await grantBonus(
    tx,
    friend.id,
    ctx,
    {
      kind: 'referral',
      period: 'referred',
      points,
      reason: 'Referral bonus: welcome from the friend who invited you',
      why: { code: 'referral_invited' },
    },
    now,
  )
}

/**
 * At join: the member's own referral code, who referred them (never themselves), and the welcome bonus,
 * once per person and merchant: not when one of `claims` (see welcomeClaims) was made here before.
 */
export async function onJoined(
  tx: Db,
  cardId: string,
  merchantId: string,
  customerId: string,
  ref: string | undefined,
  now: Date,
  claims: string[] = [],
): Promise<void> {
  let referredBy: string | null = null
  if (ref) {
    const referrer = await cardByReferralCode(tx, merchantId, ref.toLowerCase())
    if (referrer) {
      const [a, b] = await Promise.all([customerById(tx, referrer.customer_id), customerById(tx, customerId)])
      if (a && b && !referralRefusal({ customerId: a.id, email: a.email }, { customerId: b.id, email: b.email }))
        referredBy = referrer.id
    }
  }
  await setReferral(tx, cardId, newLinkCode(), referredBy)
  const ctx = await programContext(tx, merchantId, now)
  if (await welcomeClaimed(tx, merchantId, claims)) return
  const at = now.toISOString()
  await insertWelcomeClaims(
    tx,
    claims.map((claim) => ({ merchant_id: merchantId, claim, card_id: cardId, created_at: at })),
  )
  await grantBonus(
    tx,
    cardId,
    ctx,
    {
      kind: 'welcome',
      period: 'join',
      points: ctx.rules.welcomeBonus,
      reason: 'Welcome bonus',
      why: { code: 'welcome' },
    },
    now,
  )
}
