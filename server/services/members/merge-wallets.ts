import type { Db } from '../../db/connection.js'
import type { Reason } from '../../domain/i18n/reasons.js'
import { lockedOpenCardsOf } from '../../db/queries/cards.js'
import { closeCard, moveCard, moveOpenPerks, reassignCustomerRows, updateProfile } from '../../db/queries/merge.js'
import { customerById } from '../../db/queries/people.js'
import type { Card } from '../../db/schema.js'
import { replayLots } from '../../domain/expiry.js'
import { planMerge } from '../../domain/wallet-merge.js'
import { lotLedger } from '../../db/queries/program.js'
import { toLotEntries } from '../program/card-status.js'
import { systemActor } from '../program/engine.js'
import { postEntry } from '../program/post-entry.js'

export interface MergeResult {
  movedCards: number
  mergedCards: number
}

const toMergeCard = (c: Card) => ({
  id: c.id,
  merchantId: c.merchant_id,
  cardNumber: c.card_number,
  balance: c.balance,
})

/** One transfer entry through the ledger's one posting path; `card.balance` is the balance before it. */
const transfer = (
  tx: Db,
  card: Card,
  points: number,
  reason: { text: string; why: Reason },
  now: Date,
  lotExpiresAt: string | null = null,
) =>
  // A transfer-in is one lot per expiry date of what it moves, so merged points expire as they would have.
  postEntry(
    tx,
    card,
    systemActor(card.merchant_id),
    { kind: 'transfer', points, reason: reason.text, why: reason.why, lotExpiresAt },
    null,
    now,
  )

/**
 * Merges wallet `fromId` into wallet `intoId`, in the caller's transaction. Cards of other
 * merchants change owner; a card of a merchant both wallets hold is emptied into the surviving
 * card by a transfer pair and closed (never deleted). The old customer row stays, without
 * personal data, pointing at the survivor.
 */
export async function mergeWallets(tx: Db, fromId: string, intoId: string, now: Date): Promise<MergeResult> {
  const at = now.toISOString()
  const from = await customerById(tx, fromId)
  const into = await customerById(tx, intoId)
  if (!from || !into || fromId === intoId || from.merged_into_id || from.deleted_at)
    return { movedCards: 0, mergedCards: 0 }

  // Both wallets' cards, held in one fixed order (by id) until the commit.
  const locked = await lockedOpenCardsOf(tx, [fromId, intoId])
  const fromList = locked.filter((c) => c.customer_id === fromId)
  const intoList = locked.filter((c) => c.customer_id === intoId)
  const plan = planMerge(fromList.map(toMergeCard), intoList.map(toMergeCard))
  const fromCards = new Map(fromList.map((c) => [c.id, c]))
  const intoCards = new Map(intoList.map((c) => [c.id, c]))
  for (const card of plan.move) await moveCard(tx, card.id, intoId, at)
  for (const t of plan.transfers) {
    const src = fromCards.get(t.from.id)!
    const dst = intoCards.get(t.into.id)!
    // What is left of each lot of the old card arrives as a lot with the same expiry (oldest first).
    const parts = new Map<string | null, number>()
    for (const lot of replayLots(toLotEntries(await lotLedger(tx, src.id)))) {
      if (lot.remaining > 0) parts.set(lot.expiresAt, (parts.get(lot.expiresAt) ?? 0) + lot.remaining)
    }
    const lotSum = [...parts.values()].reduce((a, b) => a + b, 0)
    // A ledger whose lots do not add up to the balance moves as one lot rather than lose points.
    if (lotSum !== t.points) {
      parts.clear()
      parts.set(null, t.points)
    }
    await transfer(tx, src, -t.points, { text: t.outReason, why: t.outWhy }, now)
    let balance = dst.balance
    for (const [expiresAt, points] of parts) {
      await transfer(tx, { ...dst, balance }, points, { text: t.inReason, why: t.inWhy }, now, expiresAt)
      balance += points
    }
    // Coupons still to use and stamps not yet exchanged follow the points.
    await moveOpenPerks(tx, src.id, dst.id)
    await closeCard(tx, src.id, dst.id, at)
  }
  await reassignCustomerRows(tx, fromId, intoId)
  await updateProfile(tx, intoId, {
    email: into.email ?? from.email,
    birthday: into.birthday ?? from.birthday,
  })
  await updateProfile(tx, fromId, { name: '', email: null, birthday: null, merged_into_id: intoId })
  return { movedCards: plan.move.length, mergedCards: plan.transfers.length }
}
