import type { CardStatus } from '../../contract/program.js'
import type { Db } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import type { lotLedger } from '../../db/queries/program.js'
import type { LotEntry } from '../../domain/expiry.js'
import { liveStatus } from './card-summary.js'

export const toLotEntries = (rows: Awaited<ReturnType<typeof lotLedger>>): LotEntry[] =>
  rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    points: r.points,
    createdAt: r.created_at,
    lotExpiresAt: r.lot_expires_at,
    expiresEntryId: r.expires_entry_id,
  }))

/** The latest entry that counts as activity for inactivity expiry: anything but an expiry. */
export function lastActivity(rows: Awaited<ReturnType<typeof lotLedger>>): string | null {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.kind !== 'expire') return rows[i]!.created_at
  return null
}

/**
 * What the card shows: tier, progress to the next, what keeps the current one, and the next expiry,
 * computed now from the card's lots, tier and earnings in the window (card-summary.ts keeps it ready
 * for reads; this is for a card whose kept summary is missing or stale).
 */
export async function cardStatus(db: Db, cardId: string, now: Date): Promise<CardStatus | null> {
  const card = await cardById(db, cardId)
  return card ? liveStatus(db, card, now) : null
}
