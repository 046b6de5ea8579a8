import type { Db } from '../../db/connection.js'
import { deleteExpiredScanHandles } from '../../db/queries/access.js'
import type { Clock } from '../../domain/clock.js'

/** Drops scan handles past their expiry; they are useless then and only grow the table. */
export async function purgeExpiredHandles(db: Db, clock: Clock): Promise<void> {
  await deleteExpiredScanHandles(db, clock.now().toISOString())
}
