import type { Tx } from '../connection.js'

/* Moving one wallet's rows into another (wallet merge) and erasing a member (account deletion). */

export const moveCard = (db: Tx, cardId: string, customerId: string, now: string) =>
  db.updateTable('cards').set({ customer_id: customerId, updated_at: now }).where('id', '=', cardId).execute()

export const closeCard = (db: Tx, cardId: string, intoCardId: string | null, now: string) =>
  db
    .updateTable('cards')
    .set({ closed_at: now, closed_into_card_id: intoCardId, updated_at: now })
    .where('id', '=', cardId)
    .where('closed_at', 'is', null)
    .execute()

/** Sessions, passkeys and consent records follow the member into the surviving wallet. */
export async function reassignCustomerRows(db: Tx, fromId: string, intoId: string): Promise<void> {
  await db.updateTable('sessions').set({ customer_id: intoId }).where('customer_id', '=', fromId).execute()
  await db.updateTable('passkeys').set({ customer_id: intoId }).where('customer_id', '=', fromId).execute()
  await db.updateTable('consent_events').set({ customer_id: intoId }).where('customer_id', '=', fromId).execute()
  await db.updateTable('push_subscriptions').set({ customer_id: intoId }).where('customer_id', '=', fromId).execute()
  await db.updateTable('customers').set({ merged_into_id: intoId }).where('merged_into_id', '=', fromId).execute()
  await db.deleteFrom('sign_in_links').where('customer_id', '=', fromId).execute()
  await db.deleteFrom('webauthn_challenges').where('customer_id', '=', fromId).execute()
}

export const updateProfile = (
  db: Tx,
  customerId: string,
  patch: {
    name?: string
    email?: string | null
    birthday?: string | null
    merged_into_id?: string
    deleted_at?: string
  },
) => db.updateTable('customers').set(patch).where('id', '=', customerId).execute()

export const withdrawAllConsents = (db: Tx, cardIds: string[], now: string) =>
  cardIds.length === 0
    ? Promise.resolve()
    : db.updateTable('cards').set({ marketing_consent: 0, updated_at: now }).where('id', 'in', cardIds).execute()

export const deleteSignInRequests = (db: Tx, emailHash: string) =>
  db.deleteFrom('sign_in_requests').where('email_hash', '=', emailHash).execute()

/** A closed card's coupons still to use and stamps not yet exchanged move to the card it was merged into. */
export async function moveOpenPerks(db: Tx, fromCardId: string, intoCardId: string): Promise<void> {
  await db
    .updateTable('coupons')
    .set({ card_id: intoCardId })
    .where('card_id', '=', fromCardId)
    .where('state', '=', 'active')
    .execute()
  await db
    .updateTable('stamps')
    .set({ card_id: intoCardId })
    .where('card_id', '=', fromCardId)
    .where('coupon_id', 'is', null)
    .execute()
}
