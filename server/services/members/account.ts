import type { AccountProfile, ConsentDto, DeviceDto } from '../../contract/account.js'
import { writeTx } from '../../db/connection.js'
import { emitEvent } from '../webhooks/events.js'
import {
  consentsOf,
  customerDevices,
  deleteCustomerSession,
  deleteOtherCustomerSessions,
  insertConsentEvent,
  passkeysOf,
  setCardConsent,
} from '../../db/queries/account.js'
import { cardById, openCardIdsOf } from '../../db/queries/cards.js'
import {
  deleteMemberRows,
  eraseMemberColumns,
  eraseNotificationText,
  MEMBER_TABLES,
  memberIds,
  memberRows,
} from '../../db/queries/member-data.js'
import { closeCard, deleteSignInRequests, updateProfile, withdrawAllConsents } from '../../db/queries/merge.js'
import { customerById, setCustomerLocale } from '../../db/queries/people.js'
import { isLocale, type Locale } from '../../contract/locales.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'
import { rotateCardSecrets } from './card-secrets.js'
import { emailHash } from './email-sign-in.js'
import { queueWalletUpdates } from '../wallet/updates.js'

export async function accountProfile(deps: Deps, customerId: string): Promise<AccountProfile> {
  const c = await customerById(deps.db, customerId)
  if (!c) throw new DomainError('unauthenticated', 'Open your card from its signup link first.')
  return {
    name: c.name,
    email: c.email,
    passkeys: (await passkeysOf(deps.db, customerId)).length,
    locale: isLocale(c.locale) ? c.locale : null,
  }
}

/**
 * The member's language for what is sent to them (pushes, emails) and their Google passes' default
 * labels, which are sent again; Settings changes it.
 */
export async function setMemberLocale(deps: Deps, customerId: string, locale: Locale): Promise<AccountProfile> {
  await writeTx(deps.db, async (tx) => {
    await setCustomerLocale(tx, customerId, locale)
    const cards = (await openCardIdsOf(tx, customerId)).map((c) => c.id)
    await queueWalletUpdates(tx, cards, deps.clock.now())
  })
  return accountProfile(deps, customerId)
}

export async function listDevices(deps: Deps, customerId: string, currentSessionId: string): Promise<DeviceDto[]> {
  const rows = await customerDevices(deps.db, customerId, deps.clock.now().toISOString())
  return rows.map((r) => ({
    id: r.id,
    userAgent: r.user_agent,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    current: r.id === currentSessionId,
  }))
}

/** Signs one device out; its stored card secrets stop opening the cards (see rotateCardSecrets). */
export async function signOutDevice(deps: Deps, customerId: string, sessionId: string): Promise<void> {
  const ended = await writeTx(deps.db, async (tx) => {
    if (!(await deleteCustomerSession(tx, customerId, sessionId))) return false
    await rotateCardSecrets(tx, customerId, deps.clock.now())
    return true
  })
  if (!ended) throw new DomainError('device_not_found', 'This device is not signed in to your wallet (any more).')
}

export const signOutOtherDevices = (deps: Deps, customerId: string, currentSessionId: string) =>
  writeTx(deps.db, async (tx) => {
    const n = await deleteOtherCustomerSessions(tx, customerId, currentSessionId)
    if (n > 0) await rotateCardSecrets(tx, customerId, deps.clock.now())
    return n
  })

export async function listConsents(deps: Deps, customerId: string): Promise<ConsentDto[]> {
  return (await consentsOf(deps.db, customerId)).map((r) => ({
    cardId: r.card_id,
    merchantName: r.merchant_name,
    slug: r.slug,
    granted: r.marketing_consent === 1,
    changedAt: r.changed_at ?? null,
  }))
}

/** Gives or withdraws marketing consent for one card; the log keeps the time and the words shown. */
export async function setConsent(
  deps: Deps,
  customerId: string,
  cardId: string,
  req: { granted: boolean; wording: string },
): Promise<ConsentDto[]> {
  const now = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    const card = await cardById(tx, cardId)
    if (!card || card.customer_id !== customerId || card.closed_at) {
      throw new DomainError('card_not_found', 'This card is not in your wallet.')
    }
    await setCardConsent(tx, cardId, req.granted, now)
    await insertConsentEvent(tx, {
      id: newId(),
      customer_id: customerId,
      card_id: cardId,
      merchant_id: card.merchant_id,
      granted: req.granted ? 1 : 0,
      wording: req.wording,
      source: 'settings',
      created_at: now,
    })
  })
  return listConsents(deps, customerId)
}

/** Everything held about the member, one key per table (see MEMBER_TABLES). */
export async function exportMemberData(deps: Deps, customerId: string): Promise<Record<string, unknown>> {
  const ids = await memberIds(deps.db, customerId)
  const tables: Record<string, unknown[]> = {}
  for (const t of MEMBER_TABLES) tables[t.table] = await memberRows(deps.db, t, ids)
  return {
    format: 'loyalty-wallet-member-export/1',
    exportedAt: deps.clock.now().toISOString(),
    customerId,
    note: 'Session, sign-in and wallet-pass token hashes are left out: they are security secrets, not data about you.',
    tables,
  }
}

/**
 * Deletes the account at once: name, email and birthday erased, passkeys, sessions, sign-in
 * links and push subscriptions deleted, consent withdrawn. Cards and ledgers stay, closed and
 * pointing at an anonymous customer row, so the merchant's books still balance.
 */
export async function deleteAccount(deps: Deps, customerId: string): Promise<void> {
  const now = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    const ids = await memberIds(tx, customerId)
    for (const id of ids.customerIds) {
      const c = await customerById(tx, id)
      if (c?.email) await deleteSignInRequests(tx, emailHash(c.email))
    }
    for (const cardId of ids.cardIds) {
      const card = await cardById(tx, cardId)
      if (card?.marketing_consent === 1) {
        await insertConsentEvent(tx, {
          id: newId(),
          customer_id: card.customer_id,
          card_id: card.id,
          merchant_id: card.merchant_id,
          granted: 0,
          wording: 'Account deleted by the member.',
          source: 'account_deleted',
          created_at: now,
        })
      }
      await closeCard(tx, cardId, null, now)
      if (card) {
        await emitEvent(
          tx,
          card.merchant_id,
          'member.erased',
          { cardId: card.id, cardNumber: card.card_number },
          deps.clock.now(),
        )
      }
    }
    await withdrawAllConsents(tx, ids.cardIds, now)
    for (const t of MEMBER_TABLES) {
      if (t.onDelete === 'delete') await deleteMemberRows(tx, t, ids)
      else if (t.onDelete === 'erase') await eraseMemberColumns(tx, t, ids)
    }
    await eraseNotificationText(tx, ids.cardIds)
    for (const id of ids.customerIds) {
      await updateProfile(tx, id, { name: '', email: null, birthday: null, deleted_at: now })
    }
  })
}
