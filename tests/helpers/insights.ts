import { writeTx } from '../../server/db/connection.js'
import { cardById } from '../../server/db/queries/cards.js'
import { postEntry } from '../../server/services/program/post-entry.js'
import type { TestApp } from './test-app.js'

/**
 * Appends an entry to the ledger at a chosen time through the one posting path (postEntry: the
 * balance cache in the same transaction), as the earn path would have. Returns the entry id.
 */
export async function seedEntry(
  t: TestApp,
  e: {
    cardId: string
    merchantId: string
    at: string
    points?: number
    amountMinor?: number | null
    staffId?: string | null
    kind?: 'earn' | 'adjust' | 'reversal' | 'redeem'
    reverses?: string | undefined
    reason?: string
  },
): Promise<string> {
  const amountMinor = e.amountMinor === undefined ? 1000 : e.amountMinor
  return writeTx(t.db, async (tx) => {
    const card = (await cardById(tx, e.cardId))!
    const out = await postEntry(
      tx,
      card,
      { merchantId: e.merchantId, staffId: e.staffId ?? null, apiKeyId: null, role: 'owner' },
      {
        kind: e.kind ?? 'earn',
        points: e.points ?? 10,
        reason: e.reason ?? 'Purchase',
        amountMinor,
        currency: amountMinor === null ? null : 'EUR',
        reversesEntryId: e.reverses ?? null,
        programVersion: 1,
      },
      null,
      new Date(e.at),
    )
    return out.body.entry.id
  })
}

export const staffIdOf = async (t: TestApp, merchantId: string, role: 'owner' | 'manager' | 'cashier') =>
  (
    await t.db
      .selectFrom('staff')
      .select('id')
      .where('merchant_id', '=', merchantId)
      .where('role', '=', role)
      .executeTakeFirstOrThrow()
  ).id

/** Signs the merchant's owner in again (a staff session does not last the weeks a campaign report waits). */
export async function ownerAgain(t: TestApp, merchantId: string) {
  const { staffClient } = await import('./factories.js')
  const email = (
    await t.db
      .selectFrom('staff')
      .select('email')
      .where('merchant_id', '=', merchantId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow()
  ).email
  return staffClient(t, email)
}
