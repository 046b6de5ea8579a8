import type { z } from 'zod'
import type { Adjustment } from '../../contract/staff.js'
import type { CustomerDetail, CustomerPage } from '../../contract/console.js'
import type { AwardResponse } from '../../contract/staff.js'
import { ledgerForCard } from '../../db/queries/cards.js'
import { memberCardOf, searchCustomers } from '../../db/queries/console.js'
import { locationById } from '../../db/queries/locations.js'
import { signupLinkById } from '../../db/queries/merchants.js'
import { assertBusinessOpen } from '../platform/status.js'
import { DomainError } from '../../domain/errors.js'
import { postEntry } from '../program/post-entry.js'
import type { Actor, Deps } from '../common/deps.js'
import { toLedgerEntry } from '../common/dto.js'
import { runIdempotent, type Outcome } from '../common/idempotency.js'

const HISTORY_LIMIT = 200

/** Members of this merchant whose name or email contains `q`, or whose card number starts with `q`. */
export async function findCustomers(
  deps: Deps,
  merchantId: string,
  query: { q: string; limit: number; offset: number },
): Promise<CustomerPage> {
  const { rows, total } = await searchCustomers(deps.db, merchantId, query.q, query.limit, query.offset)
  return {
    customers: rows.map((r) => ({
      cardId: r.card_id,
      cardNumber: r.card_number,
      name: r.name,
      email: r.email,
      balance: r.balance,
      joinedAt: r.created_at,
      lastActivityAt: r.updated_at,
    })),
    total,
    limit: query.limit,
    offset: query.offset,
  }
}

export async function customerDetail(deps: Deps, merchantId: string, cardId: string): Promise<CustomerDetail> {
  const card = await memberCardOf(deps.db, merchantId, cardId)
  if (!card) throw new DomainError('card_not_found', 'No card with this id in your program.')
  const history = (await ledgerForCard(deps.db, card.id, HISTORY_LIMIT)).map(toLedgerEntry)
  const joinedAt = card.joined_location_id ? await locationById(deps.db, card.joined_location_id) : undefined
  const link = card.signup_link_id ? await signupLinkById(deps.db, card.signup_link_id) : undefined
  return {
    cardId: card.id,
    cardNumber: card.card_number,
    name: card.member_name,
    email: card.member_email,
    birthday: card.member_birthday,
    balance: card.balance,
    joinedAt: card.created_at,
    joinedLocation: joinedAt ? { id: joinedAt.id, name: joinedAt.name } : null,
    joinedVia: link?.campaign ?? null,
    history,
  }
}

/**
 * A manual correction from the console (no scan: the owner or manager picked the member from the list).
 * Same rules as the till's adjust: a ledger entry with the reason, never below zero, idempotent.
 */
export function adjustFromConsole(
  deps: Deps,
  actor: Actor,
  cardId: string,
  req: z.infer<typeof Adjustment>,
  key: string,
): Promise<Outcome<AwardResponse>> {
  const now = deps.clock.now()
  return runIdempotent(
    deps.db,
    { merchantId: actor.merchantId, scope: 'console:adjust', key, request: { cardId, ...req }, now: now.toISOString() },
    async (tx) => {
      await assertBusinessOpen(tx, actor.merchantId)
      const card = await memberCardOf(tx, actor.merchantId, cardId)
      if (!card) throw new DomainError('card_not_found', 'No card with this id in your program.')
      return postEntry(tx, card, actor, { kind: 'adjust', points: req.points, reason: req.reason }, key, now)
    },
  )
}
