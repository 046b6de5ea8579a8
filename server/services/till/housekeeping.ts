import { writeTx } from '../../db/connection.js'
import { deleteExpiredScanHandles } from '../../db/queries/access.js'
import type { Deps } from '../common/deps.js'

/** Drops scan handles past their expiry; they are useless then and only grow the table. */
export async function purgeExpiredHandles(deps: Deps): Promise<void> {
  const now = deps.clock.now().toISOString()
  await writeTx(deps.db, (tx) => deleteExpiredScanHandles(tx, now))
}
