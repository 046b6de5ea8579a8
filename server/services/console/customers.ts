import type { z } from 'zod'
import { adjustWhy } from '../../domain/i18n/reasons.js'
import type { Adjustment } from '../../contract/staff.js'
import type { CustomerDetail, CustomerPage } from '../../contract/console.js'
import type { AwardResponse } from '../../contract/staff.js'
import type { HistoryPage } from '../../contract/card.js'
import { consentEventsOfCard, memberCardOf, searchCustomers } from '../../db/queries/console.js'
import { locationById } from '../../db/queries/locations.js'
import { signupLinkById } from '../../db/queries/merchants.js'
import { assertBusinessOpen } from '../platform/status.js'
import { DomainError } from '../../domain/errors.js'
import { isoOfDay } from '../../domain/time.js'
import { classifyMembers } from '../insights/dashboard.js'
import { historyPage } from '../program/history.js'
import { postEntry } from '../program/post-entry.js'
import { activeCouponsOfCard, stampsOfCard, tierOfCard } from '../till/card-summary.js'
import type { Actor, Deps } from '../common/deps.js'
import { runIdempotent, type Outcome } from '../common/idempotency.js'

/** Owners and managers see members' contact details, consent and history; cashiers what the counter needs. */
export const seesProfiles = (role: Actor['role']) => role === 'owner' || role === 'manager'

/**
 * Members of this merchant whose name contains `q`, or whose card number starts with `q`; for owners
 * and managers also whose email contains it, and with their email.
 */
export async function findCustomers(
  deps: Deps,
  actor: Actor,
  query: { q: string; limit: number; offset: number },
): Promise<CustomerPage> {
  const full = seesProfiles(actor.role)
  const { rows, total } = await searchCustomers(deps.db, actor.merchantId, query.q, query.limit, query.offset, full)
  return {
    customers: rows.map((r) => ({
      cardId: r.card_id,
      cardNumber: r.card_number,
      name: r.name,
      email: full ? r.email : null,
      balance: r.balance,
      joinedAt: r.created_at,
      lastActivityAt: r.updated_at,
    })),
    total,
    limit: query.limit,
    offset: query.offset,
  }
}

export async function customerDetail(deps: Deps, actor: Actor, cardId: string): Promise<CustomerDetail> {
  const now = deps.clock.now()
  const card = await memberCardOf(deps.db, actor.merchantId, cardId)
  if (!card) throw new DomainError('card_not_found', 'No card with this id in your program.')
  const [tier, stamps, coupons] = await Promise.all([
    tierOfCard(deps.db, card, now),
    stampsOfCard(deps.db, card),
    activeCouponsOfCard(deps.db, card.id, now),
  ])
  const full = seesProfiles(actor.role)
  const page = full ? await historyPage(deps.db, card.id) : { entries: [], nextBefore: null }
  // Where and through which link they joined: with the profile, for owners and managers.
  const joinedAt = full && card.joined_location_id ? await locationById(deps.db, card.joined_location_id) : undefined
  const link = full && card.signup_link_id ? await signupLinkById(deps.db, card.signup_link_id) : undefined
  return {
    cardId: card.id,
    cardNumber: card.card_number,
    name: card.member_name,
    balance: card.balance,
    joinedAt: card.created_at,
    tier,
    stamps,
    coupons,
    profile: full ? await customerProfile(deps, card) : null,
    joinedLocation: joinedAt ? { id: joinedAt.id, name: joinedAt.name } : null,
    joinedVia: link?.campaign ?? null,
    history: page.entries,
    historyNext: page.nextBefore,
  }
}

async function customerProfile(
  deps: Deps,
  card: NonNullable<Awaited<ReturnType<typeof memberCardOf>>>,
): Promise<NonNullable<CustomerDetail['profile']>> {
  const [events, members] = await Promise.all([
    consentEventsOfCard(deps.db, card.id),
    classifyMembers(deps, card.merchant_id),
  ])
  const i = members.cards.findIndex((c) => c.id === card.id)
  const summary = i >= 0 ? members.summaries[i] : undefined
  const cls = i >= 0 ? members.classes[i] : undefined
  return {
    email: card.member_email,
    birthday: card.member_birthday,
    marketingConsent: card.marketing_consent === 1,
    consentHistory: events.map((e) => ({
      granted: e.granted === 1,
      source: e.source,
      wording: e.wording,
      at: e.created_at,
    })),
    visits: summary?.visits365 ?? 0,
    spendMinor: summary?.spend365 ?? 0,
    currency: members.currency,
    lastVisit: summary?.lastVisit != null ? isoOfDay(summary.lastVisit) : null,
    // A closed card is in no segment; it reads as lapsed.
    segment: cls?.lifecycle ?? 'lapsed',
    highValue: cls?.highValue ?? false,
  }
}

/** Older history of a member's card (owners and managers), page by page back to the first entry. */
export async function customerHistory(
  deps: Deps,
  merchantId: string,
  cardId: string,
  q: { before?: number | undefined; limit: number },
): Promise<HistoryPage> {
  const card = await memberCardOf(deps.db, merchantId, cardId)
  if (!card) throw new DomainError('card_not_found', 'No card with this id in your program.')
  return historyPage(deps.db, card.id, q.before, q.limit)
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
      return postEntry(
        tx,
        card,
        actor,
        { kind: 'adjust', points: req.points, reason: req.reason, why: adjustWhy(req.reason) },
        key,
        now,
      )
    },
  )
}
