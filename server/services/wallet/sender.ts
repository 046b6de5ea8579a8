import { backendOf, writeTx, type Db } from '../../db/connection.js'
import {
  claimWalletOutbox,
  deleteRegistration,
  dueWalletOutbox,
  failInterruptedWallet,
  setPassOutcome,
  updateWalletOutbox,
  type WalletDueRow,
} from '../../db/queries/wallet.js'
import { ApnsClient } from '../../push/apns.js'
import type { Deps } from '../common/deps.js'
import { backoffMs, CLAIM_LEASE_MS, MAX_ATTEMPTS } from '../push/sender.js'
import { walletCredentials } from './credentials.js'
import { GoogleApiError } from './google-api.js'
import { syncGoogleClass, syncGoogleObject } from './google-sync.js'

interface Outcome {
  row: WalletDueRow
  status: number
  error: string | null
}

export interface WalletDrainReport {
  sent: number
  failed: number
  retried: number
  pruned: number
}

const RECOVER_EVERY_MS = 60_000

/**
 * The wallet outbox's sender, on the web push sender's machinery: due rows are claimed under a lease
 * (FOR UPDATE SKIP LOCKED on PostgreSQL, so processes share the outbox and each row goes out once),
 * sent (an APNs push, or a Google object PATCH), and every outcome written in one transaction per
 * round; 5xx, 429 and network errors retry with the same backoff, a 410 from APNs forgets the device.
 * A row a stopped process left in `sending` is failed, not sent twice; a row queued but never
 * claimed survives a restart and goes out once.
 */
export class WalletSender {
  private running: Promise<WalletDrainReport> | null = null
  private lastRecovery = 0
  private apns: ApnsClient | null = null

  constructor(
    private readonly deps: Deps,
    private readonly batch = 64,
  ) {}

  recover(): Promise<number> {
    this.lastRecovery = this.deps.clock.now().getTime()
    const shared = backendOf(this.deps.db) === 'postgres'
    return writeTx(this.deps.db, (tx) => failInterruptedWallet(tx, this.deps.clock.now().toISOString(), shared))
  }

  drain(): Promise<WalletDrainReport> {
    this.running ??= this.drainAll().finally(() => (this.running = null))
    return this.running
  }

  close(): void {
    this.apns?.close()
  }

  private async drainAll(): Promise<WalletDrainReport> {
    const report: WalletDrainReport = { sent: 0, failed: 0, retried: 0, pruned: 0 }
    if (
      backendOf(this.deps.db) === 'postgres' &&
      this.deps.clock.now().getTime() - this.lastRecovery > RECOVER_EVERY_MS
    ) {
      await this.recover()
    }
    for (;;) {
      const rows = await this.claim()
      if (!rows.length) return report
      const outcomes: Outcome[] = []
      const classesDone = new Set<string>()
      // APNs rows go out together (one HTTP/2 session multiplexes them); Google rows one by one.
      const apns = rows.filter((r) => r.kind === 'apns')
      outcomes.push(...(await Promise.all(apns.map((r) => this.sendApns(r)))))
      for (const r of rows.filter((x) => x.kind === 'google')) outcomes.push(await this.sendGoogle(r, classesDone))
      await this.record(outcomes, report)
    }
  }

  private claim(): Promise<WalletDueRow[]> {
    const at = this.deps.clock.now()
    const now = at.toISOString()
    const until = new Date(at.getTime() + CLAIM_LEASE_MS).toISOString()
    return writeTx(this.deps.db, async (tx) => {
      const rows = await dueWalletOutbox(tx, now, this.batch)
      const n = await claimWalletOutbox(
        tx,
        rows.map((r) => r.id),
        now,
        until,
      )
      if (n !== rows.length) throw new Error('wallet outbox claim raced; the row locks should prevent this')
      return rows
    })
  }

  private async sendApns(row: WalletDueRow): Promise<Outcome> {
    const creds = walletCredentials(this.deps.config.wallet).apple
    if (!creds) return { row, status: 0, error: 'refused: Apple Wallet is not configured' }
    if (!row.push_token) return { row, status: 0, error: 'gone: the device unregistered' }
    this.apns ??= new ApnsClient({
      url: creds.apnsUrl,
      // The chain up to Apple's intermediate, so the server can build it without knowing the WWDR.
      certPem: `${creds.certPem.trim()}\n${creds.wwdrPem.trim()}\n`,
      keyPem: creds.keyPem,
      keyPassphrase: creds.keyPassphrase,
      ca: creds.apnsCa,
    })
    const r = await this.apns.send(row.push_token, creds.passTypeId)
    return { row, status: r.status, error: r.status === 200 ? null : (r.reason ?? `HTTP ${r.status}`) }
  }

  private async sendGoogle(row: WalletDueRow, classesDone: Set<string>): Promise<Outcome> {
    const creds = walletCredentials(this.deps.config.wallet).google
    if (!creds) return { row, status: 0, error: 'refused: Google Wallet is not configured' }
    try {
      const found = await syncGoogleObject(this.deps, creds, row.pass_id, (merchantId) =>
        classesDone.has(merchantId)
          ? Promise.resolve()
          : syncGoogleClass(this.deps, creds, merchantId).then(() => void classesDone.add(merchantId)),
      )
      return { row, status: found ? 200 : 0, error: found ? null : 'gone: the card or its pass no longer exists' }
    } catch (err) {
      if (err instanceof GoogleApiError) return { row, status: err.status, error: err.message }
      return { row, status: 0, error: `network: ${(err as Error).message}` }
    }
  }

  /** Plans every write of the round, then makes them in one transaction (it may run twice on PostgreSQL). */
  private async record(outcomes: Outcome[], report: WalletDrainReport): Promise<void> {
    const now = this.deps.clock.now()
    const at = now.toISOString()
    const writes: Array<(tx: Db) => Promise<unknown>> = []
    for (const o of outcomes) {
      const tries = o.row.attempts + 1
      const base = { attempts: tries, last_status: o.status, last_error: o.error }
      const pass = (status: string) =>
        writes.push((tx) =>
          setPassOutcome(tx, o.row.pass_id, { last_status: status, last_error: o.error, last_sent_at: at }),
        )
      const neverSent = o.status === 0 && !!o.error && /^(gone|refused)/.test(o.error)
      if (o.status >= 200 && o.status < 300) {
        writes.push((tx) => updateWalletOutbox(tx, o.row.id, { ...base, state: 'sent', sent_at: at }))
        pass('sent')
        report.sent++
      } else if (o.status === 410 && o.row.registration_id) {
        // The device no longer has the pass: forget it (its other waiting rows lose their target).
        writes.push((tx) => updateWalletOutbox(tx, o.row.id, { ...base, state: 'failed' }))
        writes.push((tx) => deleteRegistration(tx, o.row.registration_id!))
        report.failed++
        report.pruned++
      } else if (!neverSent && (o.status === 0 || o.status === 429 || o.status >= 500) && tries < MAX_ATTEMPTS) {
        const notBefore = new Date(now.getTime() + backoffMs(tries)).toISOString()
        writes.push((tx) => updateWalletOutbox(tx, o.row.id, { ...base, state: 'queued', not_before: notBefore }))
        pass('retrying')
        report.retried++
      } else {
        writes.push((tx) => updateWalletOutbox(tx, o.row.id, { ...base, state: 'failed' }))
        if (!o.error?.startsWith('gone')) pass('failed')
        report.failed++
        if (!neverSent || o.error?.startsWith('refused'))
          console.warn(`wallet update rejected: ${o.row.id}: ${o.status} ${o.error}`)
      }
    }
    if (writes.length)
      await writeTx(this.deps.db, async (tx) => {
        for (const w of writes) await w(tx)
      })
  }
}
