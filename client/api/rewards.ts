/** Rewards, coupons and stamp cards: calls over the shared contract types (server/contract/rewards.ts). */
import type {
  CardPerks,
  Coupon,
  CouponAtTill,
  CouponRedeemed,
  MemberReward,
  RedeemRewardResponse,
  Reward,
  RewardInput,
  StampCardSettings,
  StampProgress,
  StampResponse,
} from '../../server/contract/rewards.js'
import { request } from './client.js'

export type {
  CardPerks,
  Coupon,
  CouponAtTill,
  CouponRedeemed,
  MemberReward,
  RedeemRewardResponse,
  Reward,
  RewardInput,
  StampCardSettings,
  StampProgress,
  StampResponse,
}

const seg = encodeURIComponent
const idem = (key: string) => ({ 'Idempotency-Key': key })

export const rewardsApi = {
  perks: (cardId: string, signal?: AbortSignal) =>
    request<CardPerks>('GET', `/me/cards/${seg(cardId)}/perks`, { signal }),
  redeemReward: (cardId: string, rewardId: string, key: string) =>
    request<RedeemRewardResponse>('POST', `/me/cards/${seg(cardId)}/rewards/${seg(rewardId)}/redeem`, {
      headers: idem(key),
    }),

  rewards: () => request<{ rewards: Reward[] }>('GET', '/merchant/rewards'),
  createReward: (body: RewardInput) => request<Reward>('POST', '/merchant/rewards', { body }),
  updateReward: (id: string, body: RewardInput) => request<Reward>('PUT', `/merchant/rewards/${seg(id)}`, { body }),
  stampCard: () => request<{ stampCard: StampCardSettings | null }>('GET', '/merchant/stamp-card'),
  saveStampCard: (body: StampCardSettings) =>
    request<{ stampCard: StampCardSettings | null }>('PUT', '/merchant/stamp-card', { body }),

  couponsOnCard: (handle: string) =>
    request<{ coupons: Coupon[] }>('POST', '/staff/coupons/on-card', { body: { handle } }),
  lookupCoupon: (code: string) => request<CouponAtTill>('POST', '/staff/coupons/lookup', { body: { code } }),
  redeemCoupon: (code: string, key: string, locationId?: string) =>
    request<CouponRedeemed>('POST', '/staff/coupons/redeem', { body: { code, locationId }, headers: idem(key) }),
  addStamp: (handle: string, key: string) =>
    request<StampResponse>('POST', '/staff/stamps', { body: { handle }, headers: idem(key) }),
}
