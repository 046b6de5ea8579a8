import { writeTx } from '../../db/connection.js'
import {
  deleteExpiredSessions,
  deleteIdempotencyRecordsBefore,
  deletePushDeliveriesBefore,
  deleteRefusedOfflineScansBefore,
  deleteResolvedAlertsBefore,
  deleteUsedInvitesBefore,
  erasePushTextsBefore,
  deleteWalletUpdatesBefore,
  deleteWebhookDeliveriesBefore,
} from '../../db/queries/retention.js'
import { DAY_MS } from '../../domain/time.js'
import type { Deps } from './deps.js'

/**
 * How long rows are kept after they stop serving a purpose (docs/security-and-privacy.md lists every
 * table). The idempotency retention is configured (IDEMPOTENCY_RETENTION_HOURS, 24 by default).
 */
export const RETENTION_DAYS = {
  /** Used or replaced staff invitations. */
  usedInvites: 30,
  /** Sent or failed push deliveries and their attempts: the console's delivery figures cover 30 days. */
  pushDeliveries: 30,
  /** Texts of notifications sent (the row stays for the click figures). */
  pushTexts: 30,
  /** Offline scans the server refused: the staff alerts have long looked at them. */
  refusedOfflineScans: 90,
  /** Staff alerts resolved by an owner or manager. */
  resolvedAlerts: 365,
  /** Webhook deliveries delivered or given up, their attempts and events: the console shows 30 days to resend from. */
  webhookDeliveries: 30,
  /** Wallet pass updates sent or failed. */
  walletUpdates: 30,
} as const

/** The hourly purge of rows kept past their purpose; expired sessions go at once. Idempotent. */
export async function purgeExpiredData(deps: Deps): Promise<void> {
  const now = deps.clock.now().getTime()
  const daysAgo = (days: number) => new Date(now - days * DAY_MS).toISOString()
  const d = RETENTION_DAYS
  await writeTx(deps.db, async (tx) => {
    await deleteIdempotencyRecordsBefore(
      tx,
      new Date(now - deps.config.idempotencyRetentionHours * 3600_000).toISOString(),
    )
    await deleteExpiredSessions(tx, new Date(now).toISOString())
    await deleteUsedInvitesBefore(tx, daysAgo(d.usedInvites))
    await deletePushDeliveriesBefore(tx, daysAgo(d.pushDeliveries))
    await erasePushTextsBefore(tx, daysAgo(d.pushTexts))
    await deleteRefusedOfflineScansBefore(tx, daysAgo(d.refusedOfflineScans))
    await deleteResolvedAlertsBefore(tx, daysAgo(d.resolvedAlerts))
    await deleteWebhookDeliveriesBefore(tx, daysAgo(d.webhookDeliveries))
    await deleteWalletUpdatesBefore(tx, daysAgo(d.walletUpdates))
  })
}
