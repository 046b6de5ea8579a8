import { writeTx } from '../../db/connection.js'
import { markAlerted } from '../../db/queries/feedback.js'
import type { Deps } from '../common/deps.js'
import { pushToOwnerPhones } from '../insights/staff-alerts.js'

/*
 * A visit rated 1 or 2 reaches the owner's phone at once, through the staff alert channel
 * (owners' alert devices, sendOnce). It is sent after the member's answer has committed and does not
 * hold up the member's request; a failure is logged, never shown to the member.
 */

const pending = new Set<Promise<void>>()

export function alertOwnersOfLowRating(
  deps: Deps,
  merchantId: string,
  responseId: string,
  rating: number,
  comment: string | null,
): void {
  const run = (async () => {
    const sent = await pushToOwnerPhones(deps, merchantId, {
      title: `A visit was rated ${rating} of 5`,
      body: comment ? (comment.length > 140 ? `${comment.slice(0, 139)}…` : comment) : 'No comment left.',
      url: `/merchant/feedback?response=${responseId}`,
      tag: 'feedback-low',
      kind: 'feedback_low',
    })
    if (sent > 0) await writeTx(deps.db, (tx) => markAlerted(tx, responseId, deps.clock.now().toISOString()))
  })().catch((err) => console.error('feedback: the low-rating alert failed:', err))
  pending.add(run)
  void run.finally(() => pending.delete(run))
}

/** Resolves when every alert sent so far has finished (tests, and a draining shutdown). */
export const lowRatingAlertsSettled = () => Promise.all([...pending]).then(() => undefined)
