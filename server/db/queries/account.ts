import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { ConsentEventTable, PasskeyTable, SignInLinkTable, WebauthnChallengeTable } from '../schema.js'

/* Passkeys, WebAuthn challenges, sign-in links, devices (sessions) and consents of customers. */

export const insertPasskey = (db: Tx, row: Insertable<PasskeyTable>) => db.insertInto('passkeys').values(row).execute()

export const passkeysOf = (db: Tx, customerId: string) =>
  db.selectFrom('passkeys').selectAll().where('customer_id', '=', customerId).orderBy('created_at', 'asc').execute()

export const passkeyByCredentialId = (db: Tx, credentialId: string) =>
  db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst()

export const markPasskeyUsed = (db: Tx, id: string, counter: number, now: string) =>
  db.updateTable('passkeys').set({ counter, last_used_at: now }).where('id', '=', id).execute()

export async function renamePasskey(db: Tx, customerId: string, id: string, name: string): Promise<boolean> {
  const r = await db
    .updateTable('passkeys')
    .set({ name })
    .where('id', '=', id)
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function deletePasskey(db: Tx, customerId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('passkeys')
    .where('id', '=', id)
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) === 1
}

export const insertChallenge = (db: Tx, row: Insertable<WebauthnChallengeTable>) =>
  db.insertInto('webauthn_challenges').values(row).execute()

/**
 * Consumes a challenge: one DELETE that must remove exactly one live row, so a challenge
 * (and a response signed over it) is accepted once.
 */
export async function consumeChallenge(
  db: Tx,
  challenge: string,
  purpose: 'register' | 'authenticate',
  customerId: string | null,
  now: string,
): Promise<boolean> {
  let q = db
    .deleteFrom('webauthn_challenges')
    .where('challenge', '=', challenge)
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now)
  q = customerId === null ? q.where('customer_id', 'is', null) : q.where('customer_id', '=', customerId)
  const r = await q.executeTakeFirst()
  return Number(r.numDeletedRows) === 1
}

export const deleteExpiredChallenges = (db: Tx, now: string) =>
  db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).execute()

export const insertSignInLink = (db: Tx, row: Insertable<SignInLinkTable>) =>
  db.insertInto('sign_in_links').values(row).execute()

/** Marks a live, unused link used; must change exactly one row. */
export async function consumeSignInLink(db: Tx, tokenHash: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('sign_in_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export const signInLinkByTokenHash = (db: Tx, tokenHash: string) =>
  db.selectFrom('sign_in_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()

export const insertSignInRequest = (db: Tx, row: { id: string; email_hash: string; created_at: string }) =>
  db.insertInto('sign_in_requests').values(row).execute()

export async function signInRequestsSince(db: Tx, emailHash: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('sign_in_requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email_hash', '=', emailHash)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export const deleteOldSignInRows = async (db: Tx, requestsBefore: string, linksExpiredBefore: string) => {
  await db.deleteFrom('sign_in_requests').where('created_at', '<=', requestsBefore).execute()
  await db.deleteFrom('sign_in_links').where('expires_at', '<=', linksExpiredBefore).execute()
}

/** Every other live wallet with this address (a member who joined shops from different devices). */
export const otherCustomersWithEmail = (db: Tx, email: string, exceptId: string) =>
  db
    .selectFrom('customers')
    .select(['id', 'email_verified_at'])
    .where('email', '=', email)
    .where('id', '!=', exceptId)
    .where('merged_into_id', 'is', null)
    .where('deleted_at', 'is', null)
    .orderBy('created_at', 'asc')
    .execute()

/** Signs a wallet out everywhere: its sessions, passkeys and push devices go. */
export async function dropCustomerAccess(db: Tx, customerId: string): Promise<void> {
  await db.deleteFrom('sessions').where('customer_id', '=', customerId).execute()
  await db.deleteFrom('passkeys').where('customer_id', '=', customerId).execute()
  await db.deleteFrom('push_subscriptions').where('customer_id', '=', customerId).execute()
}

/** The member an email signs in to: the oldest live wallet with that address. */
export const customerByEmail = (db: Tx, email: string) =>
  db
    .selectFrom('customers')
    .selectAll()
    .where('email', '=', email)
    .where('merged_into_id', 'is', null)
    .where('deleted_at', 'is', null)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .executeTakeFirst()

export const customerDevices = (db: Tx, customerId: string, now: string) =>
  db
    .selectFrom('sessions')
    .select(['id', 'user_agent', 'created_at', 'last_seen_at'])
    .where('kind', '=', 'customer')
    .where('customer_id', '=', customerId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute()

export async function deleteCustomerSession(db: Tx, customerId: string, sessionId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .where('kind', '=', 'customer')
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) === 1
}

export async function deleteOtherCustomerSessions(db: Tx, customerId: string, keepId: string): Promise<number> {
  const r = await db
    .deleteFrom('sessions')
    .where('kind', '=', 'customer')
    .where('customer_id', '=', customerId)
    .where('id', '!=', keepId)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}

export const insertConsentEvent = (db: Tx, row: Insertable<ConsentEventTable>) =>
  db.insertInto('consent_events').values(row).execute()

/** Each open card of the member with its current consent and when it was last given or withdrawn. */
export const consentsOf = (db: Tx, customerId: string) =>
  db
    .selectFrom('cards as c')
    .innerJoin('merchants as m', 'm.id', 'c.merchant_id')
    .select((eb) => [
      'c.id as card_id',
      'c.marketing_consent',
      'm.name as merchant_name',
      'm.slug',
      eb
        .selectFrom('consent_events as e')
        .select('e.created_at')
        .whereRef('e.card_id', '=', 'c.id')
        .orderBy('e.created_at', 'desc')
        .limit(1)
        .as('changed_at'),
    ])
    .where('c.customer_id', '=', customerId)
    .where('c.closed_at', 'is', null)
    .orderBy('m.name', 'asc')
    .execute()

export const setCardConsent = (db: Tx, cardId: string, granted: boolean, now: string) =>
  db
    .updateTable('cards')
    .set({ marketing_consent: granted ? 1 : 0, updated_at: now })
    .where('id', '=', cardId)
    .execute()

/**
 * The members a merchant may send marketing to: open cards whose member gave consent.
 * Marketing senders (push offers, win-back) must take their audience from here.
 */
export const marketingAudience = (db: Tx, merchantId: string) =>
  db
    .selectFrom('cards')
    .select(['id as card_id', 'customer_id'])
    .where('merchant_id', '=', merchantId)
    .where('marketing_consent', '=', 1)
    .where('closed_at', 'is', null)
    .execute()

/**
 * The first sign-in link opened from an unproven address: whoever set up this account with that
 * address without owning it loses every session and passkey, and the address counts as proven.
 */
export async function verifyEmailOwnership(db: Tx, customerId: string, now: string): Promise<boolean> {
  const res = await db
    .updateTable('customers')
    .set({ email_verified_at: now })
    .where('id', '=', customerId)
    .where('email_verified_at', 'is', null)
    .executeTakeFirst()
  if (Number(res.numUpdatedRows) !== 1) return false
  await db.deleteFrom('sessions').where('customer_id', '=', customerId).execute()
  await db.deleteFrom('passkeys').where('customer_id', '=', customerId).execute()
  return true
}
