import { walletFigures } from '../../db/queries/wallet.js'
import type { WalletFigures } from '../../contract/wallet.js'
import type { Deps } from '../common/deps.js'
import { walletCredentials } from './credentials.js'

/** The console's wallet panel: how many members carry a pass, and how the last update went. */
export async function walletConsoleFigures(deps: Deps, merchantId: string): Promise<WalletFigures> {
  const creds = walletCredentials(deps.config.wallet)
  const f = await walletFigures(deps.db, merchantId)
  const count = (kind: string) => Number(f.passes.find((p) => p.kind === kind)?.n ?? 0)
  return {
    apple: {
      configured: creds.apple !== null,
      problem: creds.appleProblem,
      passes: count('apple'),
      devices: f.devices,
    },
    google: { configured: creds.google !== null, problem: creds.googleProblem, passes: count('google') },
    lastUpdate: f.last
      ? {
          wallet: f.last.kind,
          status: f.last.last_status as 'sent' | 'retrying' | 'failed',
          at: f.last.last_sent_at!,
          error: f.last.last_error,
        }
      : null,
  }
}
