import { writeTx } from '../../db/connection.js'
import { deleteOldEmailVerifications } from '../../db/queries/platform.js'
import { deleteOldPasswordResets, deleteStaleThrottles } from '../../db/queries/staff-accounts.js'
import { FORGET_AFTER_MS, MAX_DELAY_MS } from '../../domain/login-throttle.js'
import { DAY_MS } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'

/**
 * Drops what no longer matters: reset and verification links a day past their expiry (so a late click
 * still hears "expired"), and throttle rows whose failures are forgotten and whose delay has passed.
 * (Rate-limit counters go with purgeRunRecords.)
 */
export async function purgePlatformTokens(deps: Deps): Promise<void> {
  const now = deps.clock.now().getTime()
  const dayAgo = new Date(now - DAY_MS).toISOString()
  await writeTx(deps.db, async (tx) => {
    await deleteOldPasswordResets(tx, dayAgo)
    await deleteOldEmailVerifications(tx, dayAgo)
    await deleteStaleThrottles(tx, new Date(now - Math.max(FORGET_AFTER_MS, MAX_DELAY_MS)).toISOString())
  })
}
