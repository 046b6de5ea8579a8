import type { Tx } from '../connection.js'

/*
 * Deletes for the retention purge (services/common/retention.ts): rows past the time they serve a
 * purpose. Each takes the cut-off moment; older rows go.
 */

/** Answers kept for replays to retrying clients. */
export const deleteIdempotencyRecordsBefore = (tx: Tx, before: string) =>
  tx.deleteFrom('idempotency_records').where('created_at', '<', before).execute()

/** Sessions past their expiry: they open nothing any more, but say which device was used when. */
export const deleteExpiredSessions = (tx: Tx, now: string) =>
  tx.deleteFrom('sessions').where('expires_at', '<', now).execute()

/** Invitations used or replaced long ago; an open one stays (it is how the console shows "invited"). */
export const deleteUsedInvitesBefore = (tx: Tx, before: string) =>
  tx.deleteFrom('staff_invites').where('used_at', 'is not', null).where('used_at', '<', before).execute()

/** Finished deliveries (and their attempts) older than the console's delivery figures look back. */
export async function deletePushDeliveriesBefore(tx: Tx, before: string): Promise<void> {
  const finished = () =>
    tx.selectFrom('push_outbox').select('id').where('state', 'in', ['sent', 'failed']).where('created_at', '<', before)
  await tx.deleteFrom('push_attempts').where('outbox_id', 'in', finished()).execute()
  await tx.deleteFrom('push_attempts').where('created_at', '<', before).execute()
  await tx.deleteFrom('push_outbox').where('id', 'in', finished()).execute()
}

/**
 * The text of notifications sent long ago (it may greet the member by name): the rows stay for the
 * click figures, like an erased member's. One still waiting to be sent keeps its text.
 */
export const erasePushTextsBefore = (tx: Tx, before: string) =>
  tx
    .updateTable('push_notifications')
    .set({ payload: '{}' })
    .where('created_at', '<', before)
    .where('payload', '<>', '{}')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('push_outbox as o')
            .select('o.id')
            .whereRef('o.notification_id', '=', 'push_notifications.id')
            .where('o.state', 'in', ['queued', 'sending']),
        ),
      ),
    )
    .execute()

/** Offline scans the server refused (no ledger entry came of them): the staff alerts are done with them. */
export const deleteRefusedOfflineScansBefore = (tx: Tx, before: string) =>
  tx.deleteFrom('offline_scans').where('outcome', '=', 'refused').where('synced_at', '<', before).execute()

/** Staff alerts an owner or manager resolved long ago. */
export const deleteResolvedAlertsBefore = (tx: Tx, before: string) =>
  tx.deleteFrom('staff_alerts').where('state', '<>', 'open').where('resolved_at', '<', before).execute()

/**
 * Webhook deliveries done with (delivered, or failed for good) and their attempts; then the events no
 * delivery still needs. A queued or retrying delivery keeps its event whatever its age.
 */
export async function deleteWebhookDeliveriesBefore(tx: Tx, before: string): Promise<void> {
  const finished = () =>
    tx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('state', 'in', ['delivered', 'failed'])
      .where('created_at', '<', before)
  await tx.deleteFrom('webhook_attempts').where('delivery_id', 'in', finished()).execute()
  await tx.deleteFrom('webhook_deliveries').where('id', 'in', finished()).execute()
  await tx
    .deleteFrom('webhook_events')
    .where('created_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'webhook_events.id')),
      ),
    )
    .execute()
}

/** Wallet pass updates sent or failed (a newer change queues a new one). */
export const deleteWalletUpdatesBefore = (tx: Tx, before: string) =>
  tx.deleteFrom('wallet_outbox').where('state', 'in', ['sent', 'failed']).where('created_at', '<', before).execute()
