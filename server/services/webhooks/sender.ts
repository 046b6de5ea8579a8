import { backendOf, writeTx } from '../../db/connection.js'
import {
  claimDeliveries,
  dueDeliveries,
  insertAttempt,
  lockedEndpointState,
  markEndpointFailing,
  markEndpointSuccess,
  requeueInterrupted,
  settleDelivery,
  type DueDelivery,
} from '../../db/queries/webhook-outbox.js'
import { newId } from '../../domain/ids.js'
import {
  failingTooLong,
  MAX_ATTEMPTS,
  REQUEST_TIMEOUT_MS,
  retryAfterMs,
  retryDelayMs,
  webhookHeaders,
} from '../../domain/webhook-rules.js'
import type { Deps } from '../common/deps.js'
import { disableAndNotify, policyOf } from './endpoint-state.js'
import { postWebhook, type PostResult, type WebhookPost } from './transport.js'

export interface WebhookSenderOptions {
  post?: WebhookPost
  /** Each request's time limit: 15 s (REQUEST_TIMEOUT_MS) unless a test says otherwise. */
  timeoutMs?: number
  concurrency?: number
}

export interface WebhookDrainReport {
  delivered: number
  retried: number
  failed: number
  disabled: number
}

/** How often a running sender on PostgreSQL hands back deliveries whose lease ran out. */
const RECOVER_EVERY_MS = 10_000

/**
 * The webhook outbox sender, the push sender's machinery with at-least-once rules: it claims due
 * deliveries under a lease (SKIP LOCKED on PostgreSQL, so every process can run it), posts each
 * signed, and settles each as it answers, in its own transaction. A process that dies mid-send
 * leaves rows in `sending`; they are queued again (not failed, as a push is) and sent with the same
 * webhook-id: the receiver deduplicates.
 */
export class WebhookSender {
  private readonly post: WebhookPost
  private readonly timeoutMs: number
  private readonly concurrency: number
  private running: Promise<WebhookDrainReport> | null = null
  private lastRecovery = -Infinity

  constructor(
    private readonly deps: Deps,
    opts: WebhookSenderOptions = {},
  ) {
    this.post = opts.post ?? postWebhook
    this.timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS
    this.concurrency = opts.concurrency ?? deps.config.webhooks.concurrency
  }

  /**
   * Hands back deliveries a stopped process left in `sending`. On SQLite (one process) at start
   * that is every such row; on PostgreSQL only those whose lease ran out, at start and every 10 s.
   */
  recover(): Promise<number> {
    const now = this.deps.clock.now()
    this.lastRecovery = now.getTime()
    const shared = backendOf(this.deps.db) === 'postgres'
    return writeTx(this.deps.db, (tx) => requeueInterrupted(tx, now.toISOString(), shared))
  }

  /** Sends everything due now; concurrent calls share one run. */
  drain(): Promise<WebhookDrainReport> {
    this.running ??= this.drainAll().finally(() => (this.running = null))
    return this.running
  }

  private async drainAll(): Promise<WebhookDrainReport> {
    const report: WebhookDrainReport = { delivered: 0, retried: 0, failed: 0, disabled: 0 }
    const now = this.deps.clock.now().getTime()
    if (backendOf(this.deps.db) === 'postgres' && now - this.lastRecovery >= RECOVER_EVERY_MS) {
      const n = await this.recover()
      if (n) console.warn(`webhooks: ${n} delivery(ies) of a stopped process past their lease; sending again.`)
    }
    for (;;) {
      const rows = await this.claim()
      if (!rows.length) return report
      await Promise.all(rows.map((row) => this.deliver(row, report)))
    }
  }

  /** A round is at most `concurrency` rows, each bounded by the timeout: well inside the lease. */
  private claim(): Promise<DueDelivery[]> {
    const at = this.deps.clock.now()
    const until = new Date(at.getTime() + this.deps.config.webhooks.leaseMs).toISOString()
    return writeTx(this.deps.db, async (tx) => {
      const rows = await dueDeliveries(tx, at.toISOString(), this.concurrency)
      const n = await claimDeliveries(
        tx,
        rows.map((r) => r.id),
        until,
      )
      if (n !== rows.length) throw new Error('webhook claim raced; the row locks should prevent this')
      return rows
    })
  }

  private async deliver(row: DueDelivery, report: WebhookDrainReport): Promise<void> {
    const now = this.deps.clock.now()
    const secrets = [row.secret]
    if (row.previous_secret && row.previous_secret_until && row.previous_secret_until > now.toISOString())
      secrets.push(row.previous_secret)
    const headers = webhookHeaders(secrets, row.event_id, now, row.payload)
    let result: PostResult
    try {
      result = await this.post(row.url, headers, row.payload, {
        timeoutMs: this.timeoutMs,
        policy: policyOf(this.deps),
      })
    } catch (err) {
      result = { status: 0, error: `network: ${(err as Error).message}`, retryAfter: null, ms: 0 }
    }
    await this.settle(row, result, report)
  }

  /** Writes the attempt and what follows from it; disables the endpoint on a 410 or after days of failure. */
  private async settle(row: DueDelivery, r: PostResult, report: WebhookDrainReport): Promise<void> {
    const now = this.deps.clock.now()
    const at = now.toISOString()
    const attempts = row.attempts + 1
    const base = { attempts, last_status: r.status || null, last_error: r.error, last_duration_ms: r.ms }
    let disable: { reason: 'gone' | 'failing'; detail: string } | null = null
    let outcome: 'delivered' | 'retried' | 'failed' = 'failed'
    await writeTx(this.deps.db, async (tx) => {
      disable = null
      await insertAttempt(tx, {
        id: newId(),
        delivery_id: row.id,
        status: r.status,
        error: r.error,
        duration_ms: r.ms,
        created_at: at,
      })
      if (r.status >= 200 && r.status < 300) {
        await settleDelivery(tx, row.id, { ...base, state: 'delivered', delivered_at: at })
        await markEndpointSuccess(tx, row.endpoint_id, at)
        outcome = 'delivered'
        return
      }
      const endpoint = await lockedEndpointState(tx, row.endpoint_id)
      await markEndpointFailing(tx, row.endpoint_id, at)
      if (r.status === 410) {
        await settleDelivery(tx, row.id, { ...base, state: 'failed' })
        disable = { reason: 'gone', detail: `The endpoint answered 410 Gone at ${at}.` }
        outcome = 'failed'
        return
      }
      const wait =
        r.status === 429
          ? (retryAfterMs(r.retryAfter, now) ?? retryDelayMs(attempts, row.id))
          : retryDelayMs(attempts, row.id)
      // Disabled while this attempt was in flight: its queue was failed then, so this one fails too.
      if (wait === null || attempts >= MAX_ATTEMPTS || endpoint?.state !== 'active') {
        await settleDelivery(tx, row.id, { ...base, state: 'failed' })
        outcome = 'failed'
      } else {
        const notBefore = new Date(now.getTime() + wait).toISOString()
        await settleDelivery(tx, row.id, { ...base, state: 'queued', not_before: notBefore })
        outcome = 'retried'
      }
      // Failing since the held row says, or since now: markEndpointFailing set it if it was not.
      const health = endpoint ? (endpoint.failing_since ?? at) : null
      if (failingTooLong(health, now))
        disable = { reason: 'failing', detail: `No delivery succeeded since ${health}; the last error: ${r.error}` }
    })
    report[outcome]++
    const d = disable as { reason: 'gone' | 'failing'; detail: string } | null
    if (d && (await disableAndNotify(this.deps, row.merchant_id, row.endpoint_id, d.reason, d.detail)))
      report.disabled++
  }
}
