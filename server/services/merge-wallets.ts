import type { Db } from '../db/connection.js'
import { appendLedgerEntry } from '../db/queries/cards.js'
import { closeCard, moveCard, openCardsOf, reassignCustomerRows, updateProfile } from '../db/queries/merge.js'
import { customerById } from '../db/queries/people.js'
import type { Card } from '../db/schema.js'
import { newId } from '../domain/ids.js'
import { balanceAfter } from '../domain/ledger.js'
import { planMerge } from '../domain/wallet-merge.js'

export interface MergeResult {
  movedCards: number
  mergedCards: number
}

const toMergeCard = (c: Card) => ({ id: c.id, merchantId: c.merchant_id, cardNumber: c.card_number, balance: c.balance })

async function transferEntry(tx: Db, card: Card, balance: number, points: number, reason: string, at: string) {
  await appendLedgerEntry(
    tx,
    {
      id: newId(),
      card_id: card.id,
      merchant_id: card.merchant_id,
      kind: 'transfer',
      points,
      balance_after: balanceAfter(balance, points),
      reason,
      amount_minor: null,
      currency: null,
      staff_id: null,
      api_key_id: null,
      reverses_entry_id: null,
      // One entry carries the whole balance; the program engine's FIFO lot replay sees the
      // transfer-in as a lot without its own expiry (see README "Wallet merge").
      lot_expires_at: null,
      program_version: null,
      idempotency_key: null,
      created_at: at,
    },
    at,
  )
}

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
  if (!from || !into || fromId === intoId || from.merged_into_id || from.deleted_at) return { movedCards: 0, mergedCards: 0 }

  const plan = planMerge((await openCardsOf(tx, fromId)).map(toMergeCard), (await openCardsOf(tx, intoId)).map(toMergeCard))
  const fromCards = new Map((await openCardsOf(tx, fromId)).map((c) => [c.id, c]))
  const intoCards = new Map((await openCardsOf(tx, intoId)).map((c) => [c.id, c]))
  for (const card of plan.move) await moveCard(tx, card.id, intoId, at)
  for (const t of plan.transfers) {
    const src = fromCards.get(t.from.id)!
    const dst = intoCards.get(t.into.id)!
    await transferEntry(tx, src, src.balance, -t.points, t.outReason, at)
    await transferEntry(tx, dst, dst.balance, t.points, t.inReason, at)
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
