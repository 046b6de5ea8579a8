import { writeTx } from '../../db/connection.js'
import { clearThrottles, saveThrottle, throttleRows } from '../../db/queries/staff-accounts.js'
import { DomainError } from '../../domain/errors.js'
import { sha256 } from '../../domain/ids.js'
import { delayAfter, failuresBefore, type ThrottleScope } from '../../domain/login-throttle.js'
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

/** One more failure on each key; past its free failures a key waits a growing delay. */
export async function recordFailure(deps: Deps, a: Attempt): Promise<void> {
  const now = deps.clock.now()
  const keys = keysOf(a)
  await writeTx(deps.db, async (tx) => {
    const rows = new Map((await throttleRows(tx, Object.values(keys))).map((r) => [r.key, r]))
    for (const scope of Object.keys(keys) as ThrottleScope[]) {
      const key = keys[scope]
      const failures = failuresBefore(rows.get(key), now) + 1
      const delay = delayAfter(scope, failures)
      await saveThrottle(tx, {
        key,
        failures,
        last_failure_at: now.toISOString(),
        blocked_until: delay > 0 ? new Date(now.getTime() + delay).toISOString() : null,
      })
    }
  })
}

/** The right password clears the account's own counts (the address keeps its count: others' typos). */
export async function recordSuccess(deps: Deps, a: Attempt): Promise<void> {
  const { pair, account } = keysOf(a)
  if ((await throttleRows(deps.db, [pair, account])).length === 0) return
  await writeTx(deps.db, (tx) => clearThrottles(tx, [pair, account]))
}
