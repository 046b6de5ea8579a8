import type { Db } from '../../db/connection.js'
import { merchantById } from '../../db/queries/merchants.js'
import { assertBusinessActive } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'

/**
 * Refuses work a suspended or closed business may not do (the till, offers, console adjustments);
 * a business still being set up may (its owner practises before going live).
 */
export async function assertBusinessOpen(db: Db, merchantId: string): Promise<void> {
  const m = await merchantById(db, merchantId)
  if (!m) throw new DomainError('merchant_not_found', 'Unknown merchant.')
  assertBusinessActive(m)
}
