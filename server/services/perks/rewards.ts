import { writeTx } from '../../db/connection.js'
import type {
  CardPerks,
  MemberReward,
  RedeemRewardResponse,
  Reward as RewardDto,
  RewardInput,
} from '../../contract/rewards.js'
import { lockedCardById, walletCard } from '../../db/queries/cards.js'
import { merchantById } from '../../db/queries/merchants.js'
import {
  couponsOfCard,
  insertReward,
  rewardOfMerchant,
  rewardsOfMerchant,
  rewardsTakenByCard,
  takeRewardStock,
  updateReward,
} from '../../db/queries/rewards.js'
import type { Reward } from '../../db/schema.js'
import { assertBusinessActive } from '../../domain/business-status.js'
import { sortForWallet } from '../../domain/coupons.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import { assertRewardRedeemable, remainingForMember } from '../../domain/rewards.js'
import { postEntry } from '../program/post-entry.js'
import { issueCoupon, toCoupon } from './coupons.js'
import type { Actor, Deps } from '../common/deps.js'
import { runIdempotent } from '../common/idempotency.js'
import { stampProgress } from './stamps.js'
import { emitEvent } from '../webhooks/events.js'
import { DAY_MS } from '../../domain/time.js'

export function toReward(r: Reward): RewardDto {
  return {
    id: r.id,
    name: r.name,
    terms: r.terms,
    image: r.image,
    pointsCost: r.points_cost,
    stock: r.stock,
    perMemberLimit: r.per_member_limit,
    validDays: r.valid_days,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

const columns = (i: RewardInput) => ({
  name: i.name,
  terms: i.terms,
  image: i.image || null,
  points_cost: i.pointsCost,
  stock: i.stock,
  per_member_limit: i.perMemberLimit,
  valid_days: i.validDays,
  active: i.active ? 1 : 0,
})

// ---- Console ------------------------------------------------------------------------------------

export async function listRewards(deps: Deps, merchantId: string): Promise<RewardDto[]> {
  return (await rewardsOfMerchant(deps.db, merchantId)).map(toReward)
}

export async function createReward(deps: Deps, merchantId: string, input: RewardInput): Promise<RewardDto> {
  const at = deps.clock.now().toISOString()
  const row = { id: newId(), merchant_id: merchantId, created_at: at, updated_at: at, ...columns(input) }
  await writeTx(deps.db, (tx) => insertReward(tx, row))
  return toReward(row)
}

/** Edits a reward (deactivating is `active: false`); coupons already issued keep their terms. */
export async function updateRewardById(
  deps: Deps,
  merchantId: string,
  id: string,
  input: RewardInput,
): Promise<RewardDto> {
  const res = await writeTx(deps.db, (tx) =>
    updateReward(tx, merchantId, id, {
      ...columns(input),
      updated_at: deps.clock.now().toISOString(),
    }),
  )
  if (Number(res.numUpdatedRows) !== 1) throw new DomainError('not_found', 'No such reward in your program.')
  return toReward((await rewardOfMerchant(deps.db, merchantId, id))!)
}

// ---- Member -------------------------------------------------------------------------------------

/** A card's rewards, coupons and stamps, for its owner only (every query is scoped by the customer). */
export async function cardPerks(deps: Deps, customerId: string, cardId: string): Promise<CardPerks> {
  const now = deps.clock.now()
  const card = await walletCard(deps.db, customerId, cardId)
  if (!card) throw new DomainError('card_not_found', 'This card is not in your wallet.')
  const taken = await rewardsTakenByCard(deps.db, cardId)
  const rewards: MemberReward[] = (await rewardsOfMerchant(deps.db, card.merchant_id, true)).map((r) => {
    const remaining = remainingForMember(r.per_member_limit, taken.get(r.id) ?? 0)
    const { active: _a, createdAt: _c, updatedAt: _u, ...rest } = toReward(r)
    return {
      ...rest,
      remainingForMember: remaining,
      available: remaining !== 0 && (r.stock === null || r.stock > 0),
    }
  })
  const coupons = sortForWallet((await couponsOfCard(deps.db, cardId)).map((c) => toCoupon(c, card.timezone, now)))
  return { balance: card.balance, rewards, coupons, stamps: await stampProgress(deps.db, card.merchant_id, cardId) }
}

/**
 * The member spends points on a reward: a negative 'redeem' ledger entry through postEntry and the
 * coupon, in one write transaction. Stock is taken by an UPDATE that must change one row; the
 * per-member limit is counted after the card is locked in the same transaction (SQLite's write lock,
 * PostgreSQL's row lock), so two redemptions on one card take turns.
 */
export async function redeemReward(deps: Deps, customerId: string, cardId: string, rewardId: string, key: string) {
  const now = deps.clock.now()
  const owned = await walletCard(deps.db, customerId, cardId)
  if (!owned) throw new DomainError('card_not_found', 'This card is not in your wallet.')
  const merchantId = owned.merchant_id
  // A paused or closed shop cannot honour a new coupon; the points stay on the card.
  assertBusinessActive({ ...owned, name: owned.merchant_name })
  return runIdempotent<RedeemRewardResponse>(
    deps.db,
    { merchantId, scope: `customer:redeem:${cardId}`, key, request: { cardId, rewardId }, now: now.toISOString() },
    async (tx) => {
      const card = (await lockedCardById(tx, cardId))!
      const reward = await rewardOfMerchant(tx, merchantId, rewardId)
      if (!reward) throw new DomainError('not_found', 'This reward is not offered here.')
      const taken = (await rewardsTakenByCard(tx, cardId)).get(rewardId) ?? 0
      assertRewardRedeemable(
        {
          name: reward.name,
          active: reward.active === 1,
          pointsCost: reward.points_cost,
          stock: reward.stock,
          perMemberLimit: reward.per_member_limit,
        },
        card.balance,
        taken,
      )
      if (reward.stock !== null && !(await takeRewardStock(tx, reward.id))) {
        throw new DomainError('reward_out_of_stock', `"${reward.name}" is out of stock.`)
      }
      const actor: Actor = { merchantId, staffId: null, apiKeyId: null, role: 'customer' }
      const posted = await postEntry(
        tx,
        card,
        actor,
        {
          kind: 'redeem',
          points: -reward.points_cost,
          reason: `Reward: ${reward.name}`,
          why: { code: 'reward', params: { reward: reward.name } },
        },
        key,
        now,
      )
      const coupon = await issueCoupon(tx, {
        cardId,
        merchantId,
        source: 'reward',
        rewardId: reward.id,
        ledgerEntryId: posted.body.entry.id,
        title: reward.name,
        description: reward.terms,
        image: reward.image,
        validUntil: new Date(now.getTime() + reward.valid_days * DAY_MS),
        now,
      })
      await emitEvent(
        tx,
        merchantId,
        'reward.redeemed',
        {
          cardId,
          cardNumber: card.card_number,
          rewardId: reward.id,
          entryId: posted.body.entry.id,
          points: -reward.points_cost,
          balanceAfter: posted.body.balance,
          couponId: coupon.id,
        },
        now,
      )
      const merchant = (await merchantById(tx, merchantId))!
      return {
        status: 201,
        cardId,
        body: {
          coupon: toCoupon(coupon, merchant.timezone, now),
          entry: posted.body.entry,
          balance: posted.body.balance,
        },
      }
    },
  )
}
