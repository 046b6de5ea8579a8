import type { CardDetail, WalletCard } from '../../contract/card.js'
import { ledgerForCard, walletCards } from '../../db/queries/cards.js'
import { currentProgram } from '../../db/queries/merchants.js'
import type { ProgramVersion } from '../../db/schema.js'
import { cardStatus } from '../program/card-status.js'
import type { Deps } from '../common/deps.js'
import { toLedgerEntry, toWalletCard } from '../common/dto.js'
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
  const history = (await ledgerForCard(deps.db, cardId)).map(toLedgerEntry)
  return { card, history }
}
