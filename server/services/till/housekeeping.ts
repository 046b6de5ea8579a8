import { writeTx } from '../../db/connection.js'
import { deleteExpiredScanHandles } from '../../db/queries/access.js'
import { deleteCodeStepsBefore } from '../../db/queries/till.js'
import { DAY_MS } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'

/**
 * Drops scan handles past their expiry (useless then, they only grow the table), and code steps used
 * more than a day ago: a queued scan older than 12 hours is refused anyway (till/offline.ts).
 */
export async function purgeExpiredHandles(deps: Deps): Promise<void> {
  const now = deps.clock.now()
  await writeTx(deps.db, async (tx) => {
    await deleteExpiredScanHandles(tx, now.toISOString())
    await deleteCodeStepsBefore(tx, new Date(now.getTime() - DAY_MS).toISOString())
  })
}
