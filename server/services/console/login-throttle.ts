import { writeTx } from '../../db/connection.js'
import {
  clearThrottles,
  countThrottleFailure,
  setThrottleBlock,
  throttleRows,
} from '../../db/queries/staff-accounts.js'
import { DomainError } from '../../domain/errors.js'
import { sha256 } from '../../domain/ids.js'
import { delayAfter, FORGET_AFTER_MS, type ThrottleScope } from '../../domain/login-throttle.js'
import type { Deps } from '../common/deps.js'

/*
 * Growing delays after failed staff sign-ins (rules in domain/login-throttle.ts), kept in the
 * database so every server process sees the same state. Keys are hashes: the table holds no
 * addresses or emails.
 */

export interface Attempt {
  email: string
  address: string
}

function keysOf(a: Attempt): Record<ThrottleScope, string> {
  const email = a.email.trim().toLowerCase()
  return {
    pair: `pair:${sha256(`${email}|${a.address}`)}`,
    account: `acct:${sha256(email)}`,
    address: `addr:${sha256(a.address)}`,
  }
}

/** Refuses an attempt while any of its keys waits out a delay, saying for how long. */
export async function assertNotThrottled(deps: Deps, a: Attempt): Promise<void> {
  const now = deps.clock.now().getTime()
  const keys = keysOf(a)
  let until = 0
  for (const r of await throttleRows(deps.db, Object.values(keys))) {
    if (r.blocked_until) until = Math.max(until, Date.parse(r.blocked_until))
  }
  if (until > now) {
    const seconds = Math.ceil((until - now) / 1000)
    throw new DomainError(
      'login_throttled',
      `Too many wrong passwords. Try again in ${seconds} s, or reset your password.`,
      { retryAfterSeconds: seconds },
    )
  }
}

/**
 * One more failure on each key; past its free failures a key waits a growing delay. Each count is
 * one upsert (countThrottleFailure), so concurrent failures from several processes all count; the
 * keys are taken in a fixed order, so two attempts sharing keys never wait on each other in a cycle.
 */
export async function recordFailure(deps: Deps, a: Attempt): Promise<void> {
  const now = deps.clock.now()
  const keys = keysOf(a)
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS).toISOString()
  const scopes = (Object.keys(keys) as ThrottleScope[]).sort((x, y) => keys[x].localeCompare(keys[y]))
  await writeTx(deps.db, async (tx) => {
    for (const scope of scopes) {
      const failures = await countThrottleFailure(tx, keys[scope], now.toISOString(), forgetBefore)
      const delay = delayAfter(scope, failures)
      await setThrottleBlock(tx, keys[scope], delay > 0 ? new Date(now.getTime() + delay).toISOString() : null)
    }
  })
}

/** The right password clears the account's own counts (the address keeps its count: others' typos). */
export async function recordSuccess(deps: Deps, a: Attempt): Promise<void> {
  const { pair, account } = keysOf(a)
  if ((await throttleRows(deps.db, [pair, account])).length === 0) return
  await writeTx(deps.db, (tx) => clearThrottles(tx, [pair, account]))
}
