import { describe, expect, it } from 'vitest'
import { pointsForPurchase, minorDigits } from '../../server/domain/earning.js'
import { balanceAfter, ledgerSum, reversalPoints, UNDO_WINDOW_MS } from '../../server/domain/ledger.js'

describe('earning', () => {
  const rule = { pointsPerUnit: 1, unitMinor: 100, rounding: 'floor' as const }
  it('gives one point per whole currency unit, rounding down by default', () => {
    expect(pointsForPurchase(1299, rule)).toBe(12)
    expect(pointsForPurchase(99, rule)).toBe(0)
  })
  it('rounds half up or always up when the program says so', () => {
    expect(pointsForPurchase(1250, { ...rule, rounding: 'round' })).toBe(13)
    expect(pointsForPurchase(1249, { ...rule, rounding: 'round' })).toBe(12)
    expect(pointsForPurchase(1201, { ...rule, rounding: 'ceil' })).toBe(13)
  })
  it('works in integers for rates such as 10 points per 1.00', () => {
    expect(pointsForPurchase(1999, { pointsPerUnit: 10, unitMinor: 100, rounding: 'floor' })).toBe(199)
  })
  it('gives nothing for zero, negative or non-integer amounts', () => {
    for (const a of [0, -100, 10.5, Number.NaN]) expect(pointsForPurchase(a, rule)).toBe(0)
  })
  it('knows the minor-unit digits of a currency', () => {
    expect(minorDigits('EUR')).toBe(2)
    expect(minorDigits('JPY')).toBe(0)
  })
})

describe('ledger', () => {
  it('keeps the balance equal to the sum of the entries through earns, debits and reversals', () => {
    const entries: number[] = []
    let balance = 0
    for (const p of [120, 35, -50, -35, 10]) {
      balance = balanceAfter(balance, p)
      entries.push(p)
      expect(balance).toBe(ledgerSum(entries.map((points) => ({ points }))))
    }
    expect(balance).toBe(80)
  })
  it('never takes a card below zero', () => {
    expect(() => balanceAfter(30, -31)).toThrowError(expect.objectContaining({ code: 'insufficient_balance' }))
    expect(balanceAfter(30, -30)).toBe(0)
  })

  const now = new Date('2026-03-10T12:00:00Z')
  const award = { kind: 'earn' as const, points: 40, createdAt: '2026-03-10T11:55:00Z', reversed: false }
  it('reverses a recent award with the opposite amount', () => {
    expect(reversalPoints(award, now)).toBe(-40)
  })
  it('refuses to undo after the 10-minute window', () => {
    const late = new Date(new Date(award.createdAt).getTime() + UNDO_WINDOW_MS + 1)
    expect(() => reversalPoints(award, late)).toThrowError(expect.objectContaining({ code: 'undo_window_passed' }))
  })
  it('refuses to undo twice or to undo a reversal', () => {
    expect(() => reversalPoints({ ...award, reversed: true }, now)).toThrowError(
      expect.objectContaining({ code: 'already_reversed' }),
    )
    expect(() => reversalPoints({ ...award, kind: 'reversal' }, now)).toThrowError(
      expect.objectContaining({ code: 'not_reversible' }),
    )
  })
})
