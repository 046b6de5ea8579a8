import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { rewardsApi, type CardPerks, type RedeemRewardResponse } from '../api/rewards.js'
import { readJson, writeJson } from '../lib/storage.js'
import { useWalletStore } from './wallet.js'

const STORAGE_KEY = 'lw.perks.v1'

/**
 * Each card's rewards, coupons and stamps. Persisted like the wallet so a coupon's QR shows at the
 * till with no network; the server is the source of truth whenever it can be reached.
 */
export const usePerksStore = defineStore('perks', () => {
  const byCard = ref<Record<string, CardPerks>>(readJson<Record<string, CardPerks>>(STORAGE_KEY) ?? {})
  const requests = new Map<string, Promise<CardPerks>>()

  function refresh(cardId: string): Promise<CardPerks> {
    let p = requests.get(cardId)
    if (!p) {
      p = rewardsApi
        .perks(cardId)
        .then((perks) => {
          byCard.value = { ...byCard.value, [cardId]: perks }
          return perks
        })
        .finally(() => requests.delete(cardId))
      requests.set(cardId, p)
    }
    return p
  }

  /** Spends points on a reward; the new coupon and balance show at once, then the server's view is fetched. */
  async function redeem(cardId: string, rewardId: string, key: string): Promise<RedeemRewardResponse> {
    const res = await rewardsApi.redeemReward(cardId, rewardId, key)
    const wallet = useWalletStore()
    const card = wallet.byId(cardId)
    if (card) wallet.upsert({ ...card, balance: res.balance })
    const prev = byCard.value[cardId]
    if (prev)
      byCard.value = {
        ...byCard.value,
        [cardId]: { ...prev, balance: res.balance, coupons: [res.coupon, ...prev.coupons] },
      }
    void refresh(cardId).catch(() => undefined)
    return res
  }

  watch(byCard, () => writeJson(STORAGE_KEY, byCard.value), { deep: true })

  return { byCard, refresh, redeem }
})
