/*
 * Tables kept in the write transaction so reads and jobs need not replay the ledger (0040):
 * declared here, joined into the Database in schema.ts.
 */

/** What is left of a lot (a positive ledger entry) that still holds points; gone once spent. */
export interface PointLotTable {
  /** The ledger entry that is the lot. */
  entry_id: string
  card_id: string
  merchant_id: string
  /** The entry's place in the card's posting order: lots are spent oldest first by it. */
  seq: number
  remaining: number
  expires_at: string | null
}

/** What the card screen shows, as of the last write that changed it. */
export interface CardSummaryTable {
  card_id: string
  merchant_id: string
  /** The program version the status was computed under; 0 until first computed. */
  program_version: number
  /** CardStatus as JSON without the referral code; 'null' until first computed. */
  status: string
  /** From when the status may differ by time alone; null: never. */
  stale_at: string | null
  /** The latest posting that was not an expiry. */
  last_activity_at: string | null
  /** When its points expire for inactivity (the program says so and it holds some); else null. */
  idle_expiry_at: string | null
  computed_at: string
}

export interface SummaryDatabase {
  point_lots: PointLotTable
  card_summaries: CardSummaryTable
}
