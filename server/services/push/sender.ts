import { backendOf, writeTx, type Db } from '../../db/connection.js'
import {
  claimOutbox,
  dueOutbox,
  failInterrupted,
  insertAttempts,
  markSent,
  updateOutbox,
  type DueRow,
} from '../../db/queries/push-outbox.js'
import { deleteSubscription } from '../../db/queries/push-devices.js'
import { newId } from '../../domain/ids.js'
import { MAX_PAYLOAD_BYTES, payloadBytes } from '../../domain/push-rules.js'
import type { Deps } from '../common/deps.js'
import { sharedEncryptPool, type EncryptJob, type EncryptPool, type EncryptResult } from '../../push/encrypt-pool.js'
import { vapidKeys, type VapidKeys } from '../../push/vapid.js'
import { nodeFetch, REQUEST_TIMEOUT_MS, retryAfterMs, VapidSigner, type FetchLike } from '../../push/web-push.js'

export const MAX_ATTEMPTS = 6
const BACKOFF_BASE_MS = 30_000
const BACKOFF_CAP_MS = 60 * 60_000
/** Messages per hand-off to an encryption thread. */
const ENCRYPT_CHUNK = 32
/**
 * How long a claimed row is the claiming process's to send. A round sends at most `batch` rows,
 * `concurrency` at a time, each within the request timeout: minutes at worst. Past the lease a row
 * still `sending` belongs to a process that died, and is failed (not sent again) by recovery.
 */
export const CLAIM_LEASE_MS = 10 * 60_000
/** How often a running sender fails the rows of dead processes (their leases ran out). */
const RECOVER_EVERY_MS = 60_000

export interface SenderOptions {
  concurrency?: number
  fetch?: FetchLike
  keys?: VapidKeys
  /** Rows claimed per round. */
  batch?: number
  /** Where messages are encrypted; the process's shared pool of config.push.encryptThreads by default. */
  pool?: EncryptPool
}

interface Outcome {
  row: DueRow
  status: number
  error: string | null
  ms: number
  retryAfterMs?: number
}

export interface DrainReport {
  sent: number
  failed: number
  retried: number
  pruned: number
}

export const backoffMs = (attempts: number) =>
  Math.min(BACKOFF_BASE_MS * 2 ** Math.max(attempts - 1, 0), BACKOFF_CAP_MS)

/**
 * The outbox sender: claims due rows in a transaction (queued -> sending), sends each with bounded
 * concurrency, and writes every outcome and attempt back in one transaction per round.
 */
export class PushSender {
  private readonly vapid: VapidSigner
  private readonly fetch: FetchLike
  private readonly concurrency: number
  private readonly batch: number
  private readonly pool: EncryptPool
  private running: Promise<DrainReport> | null = null
  private lastRecovery = 0
  /** How many VAPID JWTs were signed (the reuse is what keeps this small). */
  get jwtSigned(): number {
    return this.vapid.signed
  }

  constructor(
    private readonly deps: Deps,
    opts: SenderOptions = {},
  ) {
    this.vapid = new VapidSigner(deps.config.push.vapidSubject, opts.keys ?? vapidKeys(deps.config.dataDir))
    this.fetch = opts.fetch ?? nodeFetch
    this.concurrency = opts.concurrency ?? deps.config.push.concurrency
    this.batch = opts.batch ?? Math.max(this.concurrency * 16, 64)
    this.pool = opts.pool ?? sharedEncryptPool(deps.config.push.encryptThreads)
  }

  /**
   * Rows a stopped process left in `sending` are failed, never sent twice. On SQLite, at start, that
   * is every such row (one process serves the file). On PostgreSQL other processes may be sending
   * theirs right now: only rows whose lease ran out are failed, at start and then every minute.
   */
  recover(): Promise<number> {
    this.lastRecovery = this.deps.clock.now().getTime()
    const shared = backendOf(this.deps.db) === 'postgres'
    return writeTx(this.deps.db, (tx) => failInterrupted(tx, this.deps.clock.now().toISOString(), shared))
  }

  /** Sends everything due now; concurrent calls share one run. */
  drain(): Promise<DrainReport> {
    this.running ??= this.drainAll().finally(() => (this.running = null))
    return this.running
  }

  private async drainAll(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, failed: 0, retried: 0, pruned: 0 }
    if (
      backendOf(this.deps.db) === 'postgres' &&
      this.deps.clock.now().getTime() - this.lastRecovery > RECOVER_EVERY_MS
    ) {
      const n = await this.recover()
      if (n)
        console.warn(`push: ${n} message(s) of a stopped process were left unsent past their lease; marked failed.`)
    }
    for (;;) {
      const rows = await this.claim()
      if (!rows.length) return report
      const outcomes = await this.sendAll(rows)
      await this.record(outcomes, report)
    }
  }

  private async claim(): Promise<DueRow[]> {
    const at = this.deps.clock.now()
    const now = at.toISOString()
    const until = new Date(at.getTime() + CLAIM_LEASE_MS).toISOString()
    return writeTx(this.deps.db, async (tx) => {
      // Rows held by another process's claim are skipped (PostgreSQL); SQLite claims one at a time.
      const rows = await dueOutbox(tx, now, this.batch)
      const n = await claimOutbox(
        tx,
        rows.map((r) => r.id),
        now,
        until,
      )
      if (n !== rows.length) throw new Error('outbox claim raced; the row locks should prevent this')
      return rows
    })
  }

  /**
   * Encrypts the round's rows in the pool's worker threads, a chunk per message, while up to
   * `concurrency` requests go out from this thread as each chunk comes back.
   */
  private async sendAll(rows: DueRow[]): Promise<Outcome[]> {
    const out: Outcome[] = new Array(rows.length)
    // Why a row is refused before encryption (null: it is sent), and each sent row's encrypted request.
    const refusals = rows.map((row) => this.refusal(row))
    const sealed: Array<Promise<EncryptResult>> = new Array(rows.length)
    for (let from = 0; from < rows.length; from += ENCRYPT_CHUNK) {
      const jobs: EncryptJob[] = []
      const at: number[] = []
      for (let i = from; i < Math.min(from + ENCRYPT_CHUNK, rows.length); i++) {
        const row = rows[i]!
        if (refusals[i]) continue
        at.push(i)
        jobs.push({
          endpoint: row.endpoint!,
          p256dh: row.p256dh!,
          auth: row.auth!,
          payload: row.payload,
          authorization: this.authorization(row.endpoint!),
          ttl: row.ttl,
          urgency: row.urgency,
          topic: row.topic,
        })
      }
      if (!jobs.length) continue
      const chunk = this.pool.encrypt(jobs)
      at.forEach((i, k) => (sealed[i] = chunk.then((r) => r[k]!)))
    }
    let next = 0
    const worker = async () => {
      while (next < rows.length) {
        const i = next++
        out[i] = await this.sendOne(rows[i]!, refusals[i] ?? sealed[i]!)
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, worker))
    return out
  }

  /** Why a row cannot be sent at all (no device left, an oversized payload), or null. */
  private refusal(row: DueRow): string | null {
    if (!row.endpoint || !row.p256dh || !row.auth) return 'gone: the device unsubscribed'
    if (payloadBytes(row.payload) > MAX_PAYLOAD_BYTES) return `refused: payload over ${MAX_PAYLOAD_BYTES} bytes`
    return null
  }

  private authorization(endpoint: string): string {
    return this.vapid.authorization(endpoint, this.deps.clock.now().getTime())
  }

  private async sendOne(row: DueRow, sealed: Promise<EncryptResult> | string): Promise<Outcome> {
    let t0 = performance.now()
    const done = (status: number, error: string | null, retryAfter?: number): Outcome => ({
      row,
      status,
      error,
      ms: Math.round(performance.now() - t0),
      retryAfterMs: retryAfter,
    })
    if (typeof sealed === 'string') return done(0, sealed)
    let details: EncryptResult
    try {
      details = await sealed
    } catch (err) {
      return done(0, `refused: ${(err as Error).message}`)
    }
    if (!details.ok) return done(0, `refused: ${details.error}`)
    t0 = performance.now()
    try {
      const res = await this.fetch(details.endpoint, {
        method: 'POST',
        headers: details.headers,
        body: details.body,
        timeoutMs: REQUEST_TIMEOUT_MS,
      })
      const text =
        res.status >= 400 ? (await res.text().catch(() => '')).slice(0, 300) : (void res.text().catch(() => ''), '')
      if (res.status === 429)
        return done(429, text || 'rate limited', retryAfterMs(res.headers.get('retry-after'), this.deps.clock.now()))
      if (res.status === 401 || res.status === 403) this.vapid.forget(row.endpoint!)
      return done(res.status, res.status >= 400 ? text || `HTTP ${res.status}` : null)
    } catch (err) {
      return done(0, `network: ${(err as Error).message}`)
    }
  }

  /**
   * Works out every write of the round first, then makes them in one transaction: on PostgreSQL a
   * transaction may run twice (writeTx), so it only writes what was planned here.
   */
  private async record(outcomes: Outcome[], report: DrainReport): Promise<void> {
    const now = this.deps.clock.now()
    const at = now.toISOString()
    const problems: string[] = []
    const sent: Outcome[] = []
    const attempts: Parameters<typeof insertAttempts>[1] = []
    const rest: Array<(tx: Db) => Promise<unknown>> = []
    for (const o of outcomes) {
      const tries = o.row.attempts + 1
      const sentToService = !(o.status === 0 && o.error && /^(gone|refused)/.test(o.error))
      if (sentToService)
        attempts.push({
          id: newId(),
          outbox_id: o.row.id,
          status: o.status,
          error: o.error,
          duration_ms: o.ms,
          created_at: at,
        })
      const base = { attempts: tries, last_status: o.status, last_error: o.error }
      if (o.status >= 200 && o.status < 300) {
        sent.push(o) // written together below: the common case of a fan-out
        report.sent++
      } else if (o.status === 404 || o.status === 410) {
        // The device is gone: drop it (its other queued rows lose their subscription and fail).
        rest.push((tx) => updateOutbox(tx, o.row.id, { ...base, state: 'failed' }))
        if (o.row.subscription_id) rest.push((tx) => deleteSubscription(tx, { id: o.row.subscription_id! }))
        report.failed++
        report.pruned++
      } else if (o.status === 429 || o.status >= 500 || (o.status === 0 && sentToService)) {
        if (tries >= MAX_ATTEMPTS) {
          rest.push((tx) => updateOutbox(tx, o.row.id, { ...base, state: 'failed' }))
          report.failed++
        } else {
          const wait = o.status === 429 ? o.retryAfterMs! : backoffMs(tries)
          const notBefore = new Date(now.getTime() + wait).toISOString()
          rest.push((tx) => updateOutbox(tx, o.row.id, { ...base, state: 'queued', not_before: notBefore }))
          report.retried++
        }
      } else {
        rest.push((tx) => updateOutbox(tx, o.row.id, { ...base, state: 'failed' }))
        report.failed++
        if (o.status >= 400 || o.error?.startsWith('refused')) problems.push(`${o.row.id}: ${o.status} ${o.error}`)
      }
    }
    const delivered = sent.map((o) => ({
      id: o.row.id,
      attempts: o.row.attempts + 1,
      status: o.status,
      subscriptionId: o.row.subscription_id,
    }))
    await writeTx(this.deps.db, async (tx) => {
      await insertAttempts(tx, attempts)
      await markSent(tx, delivered, at)
      for (const write of rest) await write(tx)
    })
    // Rejections other than "gone" mean our request is wrong (a bad VAPID key, a malformed
    // payload): operators must hear about them.
    for (const p of problems.slice(0, 5)) console.warn(`push rejected: ${p}`)
    if (problems.length > 5) console.warn(`push rejected: ${problems.length - 5} more`)
  }
}
