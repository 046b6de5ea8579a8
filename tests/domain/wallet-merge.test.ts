import { describe, expect, it } from 'vitest'
import { planMerge, type MergeCard } from '../../server/domain/wallet-merge.js'

const card = (id: string, merchantId: string, balance: number): MergeCard => ({
  id,
  merchantId,
  cardNumber: `N${id.toUpperCase()}`,
  balance,
})

describe('planning a wallet merge', () => {
  it('moves cards of merchants the surviving wallet does not have', () => {
    const plan = planMerge([card('a', 'm1', 10)], [card('b', 'm2', 5)])
    expect(plan.move.map((c) => c.id)).toEqual(['a'])
    expect(plan.transfers).toEqual([])
  })

  it('transfers the whole balance of a card of the same merchant, naming both card numbers', () => {
    const plan = planMerge([card('a', 'm1', 30), card('c', 'm3', 1)], [card('b', 'm1', 12)])
    expect(plan.move.map((c) => c.id)).toEqual(['c'])
    expect(plan.transfers).toHaveLength(1)
    expect(plan.transfers[0]).toMatchObject({
      from: { id: 'a' },
      into: { id: 'b' },
      points: 30,
      outReason: 'Moved to card NB',
      inReason: 'Moved from card NA',
    })
  })

  it('still records the move of an empty card, so its history is accounted for', () => {
    const plan = planMerge([card('a', 'm1', 0)], [card('b', 'm1', 7)])
    expect(plan.transfers[0]?.points).toBe(0)
  })
})
