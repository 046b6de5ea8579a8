/** Rewards, coupons and stamp cards: calls over the shared contract types (server/contract/rewards.ts). */
import { call, idem, rpc, seg, signal } from './client.js'
import type { RewardInput, StampCardSettings } from '../../server/contract/rewards.js'

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
  StampResponse,
} from '../../server/contract/rewards.js'

export const rewardsApi = {
  perks: (cardId: string, s?: AbortSignal) =>
    call(rpc.me.cards[':id'].perks.$get({ param: { id: seg(cardId) } }, signal(s))),
  redeemReward: (cardId: string, rewardId: string, key: string) =>
    call(
      rpc.me.cards[':id'].rewards[':rewardId'].redeem.$post({
        param: { id: seg(cardId), rewardId: seg(rewardId) },
        header: idem(key),
      }),
    ),

  rewards: () => call(rpc.merchant.rewards.$get()),
  createReward: (body: RewardInput) => call(rpc.merchant.rewards.$post({ json: body })),
  updateReward: (id: string, body: RewardInput) =>
    call(rpc.merchant.rewards[':id'].$put({ param: { id: seg(id) }, json: body })),
  stampCard: () => call(rpc.merchant['stamp-card'].$get()),
  saveStampCard: (body: StampCardSettings) => call(rpc.merchant['stamp-card'].$put({ json: body })),

  couponsOnCard: (handle: string) => call(rpc.staff.coupons['on-card'].$post({ json: { handle } })),
  lookupCoupon: (code: string) => call(rpc.staff.coupons.lookup.$post({ json: { code } })),
  redeemCoupon: (code: string, key: string, locationId?: string) =>
    call(rpc.staff.coupons.redeem.$post({ json: { code, locationId }, header: idem(key) })),
  addStamp: (handle: string, key: string) => call(rpc.staff.stamps.$post({ json: { handle }, header: idem(key) })),
}
