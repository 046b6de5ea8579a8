import { appendLedgerEntry } from '../../server/db/queries/cards.js'
import { newId } from '../../server/domain/ids.js'
import type { TestApp } from './test-app.js'

/**
 * Appends an entry straight to the ledger (as the earn path would have), keeping the card's cached
 * balance equal to the sum. For seeding history at chosen times; returns the entry id.
 */
export async function seedEntry(
  t: TestApp,
  e: { cardId: string; merchantId: string; at: string; points?: number; amountMinor?: number | null; staffId?: string | null; kind?: 'earn' | 'adjust' | 'reversal'; reverses?: string; reason?: string },
): Promise<string> {
  const card = await t.db.selectFrom('cards').select('balance').where('id', '=', e.cardId).executeTakeFirstOrThrow()
  const points = e.points ?? 10
  const id = newId()
  await appendLedgerEntry(
    t.db,
    {
      id,
      card_id: e.cardId,
      merchant_id: e.merchantId,
      kind: e.kind ?? 'earn',
      points,
      balance_after: card.balance + points,
      reason: e.reason ?? 'Purchase',
      amount_minor: e.amountMinor === undefined ? 1000 : e.amountMinor,
      currency: e.amountMinor === null ? null : 'EUR',
      staff_id: e.staffId ?? null,
      api_key_id: null,
      reverses_entry_id: e.reverses ?? null,
      lot_expires_at: null,
      program_version: 1,
      idempotency_key: null,
      created_at: e.at,
    },
    e.at,
  )
  return id
}

export const staffIdOf = async (t: TestApp, merchantId: string, role: 'owner' | 'manager' | 'cashier') =>
  (await t.db.selectFrom('staff').select('id').where('merchant_id', '=', merchantId).where('role', '=', role).executeTakeFirstOrThrow()).id

/** Signs the merchant's owner in again (a staff session does not last the weeks a campaign report waits). */
export async function ownerAgain(t: TestApp, merchantId: string) {
  const { staffClient } = await import('./factories.js')
  const email = (await t.db.selectFrom('staff').select('email').where('merchant_id', '=', merchantId).where('role', '=', 'owner').executeTakeFirstOrThrow()).email
  return staffClient(t, email)
}
