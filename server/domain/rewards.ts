import { DomainError } from './errors.js'

export interface RewardState {
  name: string
  active: boolean
  pointsCost: number
  stock: number | null
  perMemberLimit: number | null
}

export const remainingForMember = (limit: number | null, taken: number): number | null =>
  limit === null ? null : Math.max(0, limit - taken)

/** Why a member cannot take a reward now, checked in the order a member would want to hear it. */
export function assertRewardRedeemable(r: RewardState, balance: number, takenByMember: number): void {
  if (!r.active) throw new DomainError('not_found', 'This reward is no longer offered.')
  if (remainingForMember(r.perMemberLimit, takenByMember) === 0) {
    throw new DomainError(
      'reward_limit_reached',
      `You have already taken "${r.name}" as many times as allowed (${r.perMemberLimit}).`,
      {
        perMemberLimit: r.perMemberLimit,
      },
    )
  }
  if (r.stock !== null && r.stock <= 0) {
    throw new DomainError('reward_out_of_stock', `"${r.name}" is out of stock.`)
  }
  if (balance < r.pointsCost) {
    throw new DomainError(
      'insufficient_balance',
      `"${r.name}" costs ${r.pointsCost} points; the card has ${balance}.`,
      { balance, cost: r.pointsCost, missing: r.pointsCost - balance },
    )
  }
}
