import { writeTx } from '../../db/connection.js'
import { deleteExpiredChallenges, deleteOldSignInRows } from '../../db/queries/account.js'
import type { Deps } from '../common/deps.js'
import { LINK_REQUEST_WINDOW_MS } from './email-sign-in.js'

/** An expired link is kept a day, so opening it late still says "expired" rather than "not valid". */
const EXPIRED_LINK_KEPT_MS = 24 * 3600_000

/** Drops expired WebAuthn challenges, link requests outside the rate-limit window and long-expired links. */
export async function purgeAccountTokens(deps: Deps): Promise<void> {
  const now = deps.clock.now().getTime()
  await writeTx(deps.db, async (tx) => {
    await deleteExpiredChallenges(tx, new Date(now).toISOString())
    await deleteOldSignInRows(
      tx,
      new Date(now - LINK_REQUEST_WINDOW_MS).toISOString(),
      new Date(now - EXPIRED_LINK_KEPT_MS).toISOString(),
    )
  })
}
