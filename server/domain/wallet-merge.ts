import type { Reason } from './i18n/reasons.js'
/** Two wallets meeting: which cards simply move, and which pairs are merged with transfer entries. */

export interface MergeCard {
  id: string
  merchantId: string
  cardNumber: string
  balance: number
}

export interface CardTransfer {
  from: MergeCard
  into: MergeCard
  /** Points leaving `from` (it ends at 0) and arriving on `into`. */
  points: number
  outReason: string
  inReason: string
  outWhy: Reason
  inWhy: Reason
}

export interface MergePlan {
  /** Cards of merchants the surviving wallet has no card with: they change owner, history and all. */
  move: MergeCard[]
  transfers: CardTransfer[]
}

/**
 * Plans merging wallet `from` into wallet `into`. Per merchant a member holds one card, so a
 * merchant on both sides keeps the surviving wallet's card and the other is emptied into it by a
 * pair of transfer entries (every point and its history stay; the merchant's total is unchanged).
 */
export function planMerge(from: readonly MergeCard[], into: readonly MergeCard[]): MergePlan {
  const byMerchant = new Map(into.map((c) => [c.merchantId, c]))
  const plan: MergePlan = { move: [], transfers: [] }
  for (const card of from) {
    const target = byMerchant.get(card.merchantId)
    if (!target) {
      plan.move.push(card)
      continue
    }
    plan.transfers.push({
      from: card,
      into: target,
      points: card.balance,
      outReason: `Moved to card ${target.cardNumber}`,
      inReason: `Moved from card ${card.cardNumber}`,
      outWhy: { code: 'moved_to', params: { card: target.cardNumber } },
      inWhy: { code: 'moved_from', params: { card: card.cardNumber } },
    })
  }
  return plan
}
