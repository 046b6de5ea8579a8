/** The card's Apple Wallet and Google Wallet passes, and the console's wallet figures. */
import { call, rpc, seg } from './client.js'

export type { CardWalletPasses, WalletFigures } from '../../server/contract/wallet.js'

export const walletApi = {
  passes: (cardId: string) => call(rpc.me.cards[':id'].wallet.$get({ param: { id: seg(cardId) } })),
  /** The .pkpass is a plain download (Safari hands it to Wallet): a link, not a fetch. */
  applePassUrl: (cardId: string) => `/api/me/cards/${encodeURIComponent(cardId)}/wallet/apple.pkpass`,
  googleSaveLink: (cardId: string) => call(rpc.me.cards[':id'].wallet.google.$post({ param: { id: seg(cardId) } })),
  remove: (cardId: string) => call(rpc.me.cards[':id'].wallet.$delete({ param: { id: seg(cardId) } })),
  figures: () => call(rpc.merchant.wallet.$get()),
}
