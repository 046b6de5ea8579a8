import type { CardDetail, HistoryPage, WalletCard } from '../../contract/card.js'
import { walletCard } from '../../db/queries/cards.js'
import { DomainError } from '../../domain/errors.js'
import { historyPage } from '../program/history.js'
import type { Deps } from '../common/deps.js'
import { memberCardDetail, memberWallet } from './card-read.js'

/** Only the customer's own cards: every query is scoped by their id. */
export const listWallet = (deps: Deps, customerId: string): Promise<WalletCard[]> =>
  memberWallet(deps.db, customerId, deps.clock.now())

/** The card screen in two reads (see card-read.ts). */
export const cardDetail = (deps: Deps, customerId: string, cardId: string): Promise<CardDetail> =>
  memberCardDetail(deps, customerId, cardId)

/** Older history of the member's own card, page by page back to the first entry. */
export async function cardHistory(
  deps: Deps,
  customerId: string,
  cardId: string,
  q: { before?: number | undefined; limit: number },
): Promise<HistoryPage> {
  if (!(await walletCard(deps.db, customerId, cardId))) {
    throw new DomainError('card_not_found', 'This card is not in your wallet.')
  }
  return historyPage(deps.db, cardId, q.before, q.limit)
}
