import type { Db } from '../../db/connection.js'
import { deleteExpiredChallenges, deleteOldSignInRows } from '../../db/queries/account.js'
import type { Clock } from '../../domain/clock.js'
import { LINK_REQUEST_WINDOW_MS } from './email-sign-in.js'

/** An expired link is kept a day, so opening it late still says "expired" rather than "not valid". */
const EXPIRED_LINK_KEPT_MS = 24 * 3600_000

/** Drops expired WebAuthn challenges, link requests outside the rate-limit window and long-expired links. */
export async function purgeAccountTokens(db: Db, clock: Clock): Promise<void> {
  const now = clock.now().getTime()
  await deleteExpiredChallenges(db, new Date(now).toISOString())
  await deleteOldSignInRows(
    db,
    new Date(now - LINK_REQUEST_WINDOW_MS).toISOString(),
    new Date(now - EXPIRED_LINK_KEPT_MS).toISOString(),
  )
}
