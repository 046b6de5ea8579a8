import type { ProgramRules } from '../../contract/program.js'
import type { Db } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import { merchantWithProgram } from '../../db/queries/merchants.js'
import { customerById } from '../../db/queries/people.js'
import {
  bonusGrant,
  cardByReferralCode,
  cardTier,
  insertBonusGrant,
  insertTierChange,
  setCardTier,
  setReferral,
  tierEarnings,
} from '../../db/queries/program.js'
import type { Card, Merchant } from '../../db/schema.js'
import { referralRefusal } from '../../domain/bonuses.js'
import { DomainError } from '../../domain/errors.js'
import { lotExpiry } from '../../domain/expiry.js'
import { newId, newLinkCode } from '../../domain/ids.js'
import { rulesFromVersion } from '../../domain/program-rules.js'
import { earnedInWindow, onEarnDecision, qualifyingTier, tierIndex, windowStart } from '../../domain/tiers.js'
import { postEntry } from '../till/award.js'
import type { Actor } from '../common/deps.js'

export interface ProgramContext {
  merchant: Merchant
  version: number
  rules: ProgramRules
}

/**
 * Program versions are never changed once written (a change is a new version), so their parsed
 * rules are kept: every earn needs them, and validating the stored JSON each time cost about as
 * much as the SQL that read it. Frozen, since every caller shares them.
 */
const parsedRules = new Map<string, ProgramRules>()
const PARSED_RULES_KEPT = 1000

function rulesOf(merchantId: string, v: Parameters<typeof rulesFromVersion>[0] & { version: number }): ProgramRules {
  const key = `${merchantId}:${v.version}`
  let rules = parsedRules.get(key)
  if (!rules) {
    rules = deepFreeze(rulesFromVersion(v))
    if (parsedRules.size >= PARSED_RULES_KEPT) parsedRules.delete(parsedRules.keys().next().value!)
    parsedRules.set(key, rules)
  }
  return rules
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** The merchant and the rules in force at `now`. */
export async function programContext(tx: Db, merchantId: string, now: Date): Promise<ProgramContext> {
  const row = await merchantWithProgram(tx, merchantId, now.toISOString())
  if (!row) throw new DomainError('not_found', 'The merchant has no program set up.')
  const { version, points_per_unit, unit_minor, rounding, rules, ...merchant } = row
  return { merchant, version, rules: rulesOf(merchantId, { version, points_per_unit, unit_minor, rounding, rules }) }
}

export const systemActor = (merchantId: string): Actor => ({ merchantId, staffId: null, apiKeyId: null, role: 'pos' })

/** Points counting towards tiers within the window at `now`. */
export async function earnedForTier(tx: Db, cardId: string, ctx: ProgramContext, now: Date): Promise<number> {
  const tz = ctx.merchant.timezone
  const since = windowStart(now, ctx.rules.tierWindow, tz).toISOString()
  const rows = await tierEarnings(tx, cardId, since)
  return earnedInWindow(
    rows.map((r) => ({ points: r.points, at: r.created_at })),
    now,
    ctx.rules.tierWindow,
    tz,
  )
}

/** Upgrades at once when the card now qualifies for a higher tier; records the change. In the caller's transaction. */
export async function upgradeIfQualified(
  tx: Db,
  cardId: string,
  ctx: ProgramContext,
  now: Date,
  /** The card's tier row when the caller has just read it (null: it has none); read here otherwise. */
  known?: Awaited<ReturnType<typeof cardTier>> | null,
): Promise<void> {
  if (ctx.rules.tiers.length === 0) return
  const row = known === undefined ? await cardTier(tx, cardId) : (known ?? undefined)
  const current = tierIndex(row?.tier, ctx.rules.tiers)
  const decision = onEarnDecision(current, qualifyingTier(await earnedForTier(tx, cardId, ctx, now), ctx.rules.tiers))
  if (decision.action !== 'up') return
  await moveTier(tx, cardId, ctx, row?.tier ?? null, ctx.rules.tiers[decision.to]!.name, 'up', now)
}

export async function moveTier(
  tx: Db,
  cardId: string,
  ctx: ProgramContext,
  from: string | null,
  to: string | null,
  direction: 'up' | 'down',
  now: Date,
): Promise<void> {
  const at = now.toISOString()
  await setCardTier(tx, cardId, ctx.merchant.id, to, at)
  await insertTierChange(tx, {
    id: newId(),
    card_id: cardId,
    merchant_id: ctx.merchant.id,
    from_tier: from,
    to_tier: to,
    direction,
    created_at: at,
  })
}

/**
 * A bonus (welcome, birthday, referral) at most once per card, kind and period; the grant row and the
 * entry are written in the caller's transaction. Returns whether it was granted.
 */
export async function grantBonus(
  tx: Db,
  cardId: string,
  ctx: ProgramContext,
  b: { kind: 'welcome' | 'birthday' | 'referral'; period: string; points: number; reason: string },
  now: Date,
): Promise<boolean> {
  if (b.points <= 0) return false
  if (await bonusGrant(tx, cardId, b.kind, b.period)) return false
  const card = await cardById(tx, cardId)
  if (!card) return false
  const posted = await postEntry(
    tx,
    card,
    systemActor(card.merchant_id),
    {
      kind: 'bonus',
      points: b.points,
      reason: b.reason,
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
  const referrer = await cardById(tx, friend.referred_by_card_id)
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
    },
    now,
  )
  await grantBonus(
    tx,
    friend.id,
    ctx,
    { kind: 'referral', period: 'referred', points, reason: 'Referral bonus: welcome from the friend who invited you' },
    now,
  )
}

/** At join: the member's own referral code, who referred them (never themselves), and the welcome bonus. */
export async function onJoined(
  tx: Db,
  cardId: string,
  merchantId: string,
  customerId: string,
  ref: string | undefined,
  now: Date,
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
  await grantBonus(
    tx,
    cardId,
    ctx,
    { kind: 'welcome', period: 'join', points: ctx.rules.welcomeBonus, reason: 'Welcome bonus' },
    now,
  )
}
