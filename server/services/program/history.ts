import type { HistoryPage } from '../../contract/card.js'
import type { Db } from '../../db/connection.js'
import { ledgerForCard } from '../../db/queries/cards.js'
import { toLedgerEntry } from '../common/dto.js'

export const HISTORY_PAGE = 50

/**
 * One page of a card's history, newest first in posting order, back from `before` (an entry's seq) or
 * from the newest. `nextBefore` is where the next page starts; null once the first entry is on a page.
 * The caller has checked that the card is the reader's.
 */
export async function historyPage(
  db: Db,
  cardId: string,
  before?: number,
  limit: number = HISTORY_PAGE,
): Promise<HistoryPage> {
  const rows = await ledgerForCard(db, cardId, limit + 1, before)
  const entries = rows.slice(0, limit).map(toLedgerEntry)
  return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1]!.seq : null }
}
