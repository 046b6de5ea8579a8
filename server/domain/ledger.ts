import type { LedgerKind } from '../contract/card.js'
import { DomainError } from './errors.js'

export const UNDO_WINDOW_MS = 10 * 60 * 1000
const REVERSIBLE: ReadonlySet<LedgerKind> = new Set(['earn', 'adjust', 'bonus'])

/** Balance after posting `points`; a debit never takes a card below zero. */
export function balanceAfter(balance: number, points: number): number {
  const next = balance + points
  if (points < 0 && next < 0) {
    throw new DomainError('insufficient_balance', `The card has ${balance} points; ${-points} cannot be taken.`, {
      balance,
    })
  }
  return next
}

export interface ReversibleEntry {
  kind: LedgerKind
  points: number
  createdAt: string
  reversed: boolean
}

/** A mistake is corrected by a reversal row, never by editing history; only recent awards can be undone. */
export function reversalPoints(entry: ReversibleEntry, now: Date): number {
  if (!REVERSIBLE.has(entry.kind)) {
    throw new DomainError('not_reversible', `A ${entry.kind} entry cannot be undone.`)
  }
  if (entry.reversed) throw new DomainError('already_reversed', 'This award has already been undone.')
  if (now.getTime() - new Date(entry.createdAt).getTime() > UNDO_WINDOW_MS) {
    throw new DomainError('undo_window_passed', 'An award can be undone only within 10 minutes.')
  }
  return -entry.points
}

/** The invariant the cache column must keep: balance equals the sum of the entries. */
export function ledgerSum(entries: ReadonlyArray<{ points: number }>): number {
  return entries.reduce((sum, e) => sum + e.points, 0)
}
