import type { Db } from '../../db/connection.js'
import {
  insertWalletOutbox,
  passesOfMerchant,
  passTargetsOfCards,
  queuedTargets,
  registrationsOfPasses,
  touchPasses,
} from '../../db/queries/wallet.js'
import { newId } from '../../domain/ids.js'

/**
 * What a pass shows changed (balance, tier, brand, the card's code secret): in the caller's
 * transaction, the passes are marked updated and one outbox row is queued per Apple device (an
 * APNs push) and per Google object (a PATCH). A target with an update still waiting gets no second
 * one: the send reads the card as it is then, so one carries every change.
 */
export async function queueWalletUpdates(tx: Db, cardIds: string[], now: Date): Promise<number> {
  if (!cardIds.length) return 0
  return queueFor(tx, await passTargetsOfCards(tx, cardIds), now)
}

/** The business's brand changed: every pass of its members. */
export async function queueMerchantWalletUpdates(tx: Db, merchantId: string, now: Date): Promise<number> {
  return queueFor(tx, await passesOfMerchant(tx, merchantId), now)
}

async function queueFor(
  tx: Db,
  passes: Array<{ id: string; card_id: string; kind: 'apple' | 'google' }>,
  now: Date,
): Promise<number> {
  if (!passes.length) return 0
  const at = now.toISOString()
  const ids = passes.map((p) => p.id)
  await touchPasses(tx, ids, at)
  const waiting = await queuedTargets(tx, ids)
  const apple = passes.filter((p) => p.kind === 'apple')
  const regs = await registrationsOfPasses(
    tx,
    apple.map((p) => p.id),
  )
  const base = { state: 'queued' as const, not_before: at, attempts: 0, created_at: at }
  const rows = [
    ...regs
      .filter((r) => !waiting.has(`apns:${r.id}`))
      .map((r) => ({
        ...base,
        id: newId(),
        kind: 'apns' as const,
        pass_id: r.pass_id,
        card_id: r.card_id,
        registration_id: r.id,
      })),
    ...passes
      .filter((p) => p.kind === 'google' && !waiting.has(`google:${p.id}`))
      .map((p) => ({
        ...base,
        id: newId(),
        kind: 'google' as const,
        pass_id: p.id,
        card_id: p.card_id,
        registration_id: null,
      })),
  ]
  await insertWalletOutbox(tx, rows)
  return rows.length
}
