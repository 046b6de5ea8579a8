import type { SignInResult } from '../../contract/account.js'
import { writeTx } from '../../db/connection.js'
import { deleteCustomerSession } from '../../db/queries/account.js'
import { customerById } from '../../db/queries/people.js'
import { DomainError } from '../../domain/errors.js'
import type { Deps } from '../common/deps.js'
import { mergeWallets } from './merge-wallets.js'
import { createSession, type Principal } from './sessions.js'

/**
 * Signs this device in to `customerId` (after a passkey or an email link proved it). A wallet
 * already on the device joins the account (merged, one transaction), and the device gets a new
 * session token: the old one is deleted, so a token seen before sign-in is worthless after it.
 */
export async function signInCustomer(
  deps: Deps,
  customerId: string,
  current: Principal | null,
  userAgent: string | null,
): Promise<SignInResult & { token: string; expiresAt: Date }> {
  const now = deps.clock.now()
  return writeTx(deps.db, async (tx) => {
    // A wallet merged since (or a deleted account) is followed to where the member lives now.
    let target = await customerById(tx, customerId)
    while (target?.merged_into_id) target = await customerById(tx, target.merged_into_id)
    if (!target || target.deleted_at) throw new DomainError('unauthenticated', 'This account no longer exists.')
    customerId = target.id
    let merged = { movedCards: 0, mergedCards: 0 }
    const here = current?.customerId ?? null
    if (here && here !== customerId && (await customerById(tx, here))) {
      merged = await mergeWallets(tx, here, customerId, now)
    }
    if (current && here) await deleteCustomerSession(tx, customerId, current.sessionId)
    const s = await createSession(tx, { kind: 'customer', customerId }, now, userAgent)
    return { signedIn: true as const, ...merged, token: s.token, expiresAt: s.expiresAt }
  })
}
