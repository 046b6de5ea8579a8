import type { Config } from '../../config.js'
import type { Db } from '../../db/connection.js'
import type { Clock } from '../../domain/clock.js'

/** What every use case needs; built once in index.ts (or per test) and passed down. */
export interface Deps {
  db: Db
  clock: Clock
  config: Config
  /** The one-time token that guards the first-run setup page; null once a merchant exists. */
  setupToken: string | null
}

/** Who is acting on a merchant's books: a staff member at the till, a POS API key, or the member (redeeming a reward). */
export interface Actor {
  merchantId: string
  staffId: string | null
  apiKeyId: string | null
  role: 'owner' | 'manager' | 'cashier' | 'pos' | 'customer'
  /** Where a POS key stands (its earns are recorded there); staff pick their location per scan. */
  locationId?: string | null
}
