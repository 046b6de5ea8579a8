import type { CardDetail, HistoryPage, WalletCard } from '../../contract/card.js'
import { walletCard, walletCards } from '../../db/queries/cards.js'
import { DomainError } from '../../domain/errors.js'
import { historyPage } from '../program/history.js'
import { currentProgram } from '../../db/queries/merchants.js'
import type { ProgramVersion } from '../../db/schema.js'
import { cardStatus } from '../program/card-status.js'
import type { Deps } from '../common/deps.js'
import { toWalletCard } from '../common/dto.js'
import { loadWalletCard } from './join.js'

/** Only the customer's own cards: every query is scoped by their id. */
export async function listWallet(deps: Deps, customerId: string): Promise<WalletCard[]> {
  const now = deps.clock.now().toISOString()
  const rows = await walletCards(deps.db, customerId)
  const programs = new Map<string, ProgramVersion | undefined>()
  for (const r of rows) {
    if (!programs.has(r.merchant_id)) programs.set(r.merchant_id, await currentProgram(deps.db, r.merchant_id, now))
  }
  const at = deps.clock.now()
  const cards: WalletCard[] = []
  for (const r of rows)
    cards.push({ ...toWalletCard(r, programs.get(r.merchant_id)), status: await cardStatus(deps.db, r.id, at) })
  return cards
}

export async function cardDetail(deps: Deps, customerId: string, cardId: string): Promise<CardDetail> {
  const card = await loadWalletCard(deps.db, customerId, cardId, deps.clock.now())
  const page = await historyPage(deps.db, cardId)
  return { card, history: page.entries, historyNext: page.nextBefore }
}

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
