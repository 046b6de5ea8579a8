import { writeTx } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import { lotLedger } from '../../db/queries/program.js'
import { pointsExpiringSoon } from '../../db/queries/push-offers.js'
import { merchantsListening } from '../../db/queries/webhooks.js'
import { replayLots } from '../../domain/expiry.js'
import { DAY_MS } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'
import { toLotEntries } from '../program/card-status.js'
import { emitEvent } from './events.js'

/** How far ahead points.expiring looks. */
export const EXPIRING_WITHIN_DAYS = 14

/**
 * points.expiring: for businesses that listen, each card with points expiring in the next 14 days,
 * once per card and first expiry date (the event's dedupe key), whenever the job runs or reruns.
 */
export async function emitExpiringEvents(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  const from = now.toISOString()
  const until = new Date(now.getTime() + EXPIRING_WITHIN_DAYS * DAY_MS).toISOString()
  let written = 0
  for (const merchantId of await merchantsListening(deps.db, 'points.expiring')) {
    for (const c of await pointsExpiringSoon(deps.db, merchantId, from, until)) {
      // What is really left of those lots: spending and earlier expiries took the oldest first.
      let points = 0
      let first = ''
      for (const lot of replayLots(toLotEntries(await lotLedger(deps.db, c.card_id)))) {
        if (lot.remaining <= 0 || !lot.expiresAt || lot.expiresAt <= from || lot.expiresAt > until) continue
        points += lot.remaining
        if (!first || lot.expiresAt < first) first = lot.expiresAt
      }
      if (points <= 0) continue
      const card = await cardById(deps.db, c.card_id)
      if (!card || card.closed_at) continue
      const id = await writeTx(deps.db, (tx) =>
        emitEvent(
          tx,
          merchantId,
          'points.expiring',
          { cardId: card.id, cardNumber: card.card_number, points, expiresAt: first, balance: card.balance },
          now,
          { dedupeKey: `points.expiring:${card.id}:${first}` },
        ),
      )
      if (id) written++
    }
  }
  return written
}
