/**
 * Login throttling: growing delays after failed sign-ins, per key. Three keys, so one person's typos
 * never lock out a shop that shares one address, and guessing gets slow however it is spread:
 * - pair (an account from one address): 5 failures, then 30 s, 1 min, 2 min, … up to 15 min;
 * - account (from any address): 20 failures, then the same (guessing one password from many places);
 * - address (any account): 50 failures, then the same (trying many accounts from one place).
 * A right password clears the pair and the account; failures older than an hour are forgotten.
 */
export type ThrottleScope = 'pair' | 'account' | 'address'

export const FREE_FAILURES: Record<ThrottleScope, number> = { pair: 5, account: 20, address: 50 }
export const FIRST_DELAY_MS = 30_000
export const MAX_DELAY_MS = 15 * 60_000
export const FORGET_AFTER_MS = 60 * 60_000

/** How long attempts wait after the n-th consecutive failure (0 while still under the free ones). */
export function delayAfter(scope: ThrottleScope, failures: number): number {
  const over = failures - FREE_FAILURES[scope]
  if (over < 0) return 0
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(over, 10))
}
