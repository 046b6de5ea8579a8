import { Cron } from 'croner'
import type { Deps } from '../services/common/deps.js'
import { runFeedbackJobs } from '../services/feedback/jobs.js'
import { periodStart, runOncePerPeriod } from '../services/common/jobs-once.js'
import { purgeRunRecords } from '../services/common/rate-limits.js'
import { purgeExpiredData } from '../services/common/retention.js'
import { detectStaffAnomalies } from '../services/insights/staff-alerts.js'
import { purgeAccountTokens } from '../services/members/housekeeping.js'
import { purgePlatformTokens } from '../services/platform/housekeeping.js'
import { couponIssuer } from '../services/perks/coupon-issuer.js'
import { expirePoints, grantBirthdayBonuses, reevaluateTiers } from '../services/program/jobs.js'
import { runAutomations } from '../services/push/automations.js'
import { PushSender } from '../services/push/sender.js'
import { purgeExpiredHandles } from '../services/till/housekeeping.js'
import { emitExpiringEvents } from '../services/webhooks/expiring.js'
import { WebhookSender } from '../services/webhooks/sender.js'
import { WalletSender } from '../services/wallet/sender.js'

const MIN = 60_000
const HOUR = 60 * MIN

/** A periodic job: a plain async function over deps (tests call them directly) and when it runs. */
export interface Job {
  name: string
  /** A cron pattern (croner; six fields when seconds matter). */
  pattern: string
  /** The period the pattern ticks once in: the job runs once per period across all processes. */
  periodMs: number
  /** Run on every tick in every process instead (the push sender: processes share the outbox). */
  everyProcess?: boolean
  /** Also run once shortly after start: how jobs catch up after downtime. */
  atStart?: boolean
  run: () => Promise<unknown>
}

/**
 * Every periodic job of the server. Each is idempotent (running it twice, or late, finds nothing new
 * to do), so a missed tick only delays work.
 */
export function serverJobs(deps: Deps): Job[] {
  const sender = new PushSender(deps)
  // Wallet pass updates (APNs pushes, Google PATCHes) share the push sender's tick and machinery.
  const wallet = new WalletSender(deps)
  // At start: rows a stopped process left in `sending` are failed, never sent twice.
  const recovered = Promise.all([sender.recover(), wallet.recover()]).then(([n, w]) => {
    if (n) console.warn(`push: ${n} message(s) were being sent when the server stopped; marked failed, not resent.`)
    if (w) console.warn(`wallet: ${w} pass update(s) were being sent when the server stopped; marked failed.`)
  })
  const webhooks = new WebhookSender(deps)
  // At start: deliveries a stopped process left in `sending` are queued again (at least once).
  const handedBack = webhooks.recover().then((n) => {
    if (n) console.warn(`webhooks: ${n} delivery(ies) were being sent when the server stopped; sending again.`)
  })
  const jobs: Job[] = [
    { name: 'purge scan handles', pattern: '*/10 * * * *', periodMs: 10 * MIN, run: () => purgeExpiredHandles(deps) },
    { name: 'purge sign-in tokens', pattern: '*/10 * * * *', periodMs: 10 * MIN, run: () => purgeAccountTokens(deps) },
    { name: 'purge run records', pattern: '7 * * * *', periodMs: HOUR, run: () => purgeRunRecords(deps) },
    { name: 'purge platform tokens', pattern: '9 * * * *', periodMs: HOUR, run: () => purgePlatformTokens(deps) },
    // Idempotency answers past their retention, expired sessions, old deliveries (services/common/retention.ts).
    { name: 'purge expired data', pattern: '11 * * * *', periodMs: HOUR, run: () => purgeExpiredData(deps) },
    // Program engine jobs: hourly, so a merchant's local midnight is caught within the hour.
    { name: 'expire points', pattern: '0 * * * *', periodMs: HOUR, run: () => expirePoints(deps) },
    { name: 'reevaluate tiers', pattern: '2 * * * *', periodMs: HOUR, run: () => reevaluateTiers(deps) },
    { name: 'birthday bonuses', pattern: '4 * * * *', periodMs: HOUR, run: () => grantBirthdayBonuses(deps) },
    // Staff anomaly alerts read the ledger after the fact; each run resumes where the last stopped.
    { name: 'staff alerts', pattern: '*/5 * * * *', periodMs: 5 * MIN, run: () => detectStaffAnomalies(deps) },
    // Birthday and win-back pushes carry a coupon when the merchant switched that on.
    {
      name: 'push automations',
      pattern: '*/5 * * * *',
      periodMs: 5 * MIN,
      atStart: true,
      run: async () => (await recovered, runAutomations(deps, { coupons: couponIssuer })),
    },
    // Survey rounds that are due, and visit questions by push a few hours after the visit.
    {
      name: 'feedback',
      pattern: '*/5 * * * *',
      periodMs: 5 * MIN,
      atStart: true,
      run: async () => (await recovered, runFeedbackJobs(deps)),
    },
    { name: 'webhooks: points expiring', pattern: '6 * * * *', periodMs: HOUR, run: () => emitExpiringEvents(deps) },
    {
      name: 'webhook sender',
      pattern: '*/2 * * * * *',
      periodMs: 2000,
      everyProcess: true,
      run: async () => (await handedBack, webhooks.drain()),
    },
    {
      name: 'push sender',
      pattern: '*/2 * * * * *',
      periodMs: 2000,
      everyProcess: true,
      run: async () => (await recovered, Promise.all([sender.drain(), wallet.drain()])),
    },
  ]
  const every = deps.config.jobsEverySeconds
  if (!every) return jobs
  // Tests and demos: every periodic job each `every` seconds, that many seconds a period.
  return jobs.map((j) => (j.everyProcess ? j : { ...j, pattern: `*/${every} * * * * *`, periodMs: every * 1000 }))
}

export interface Scheduler {
  stop(): void
}

/**
 * Runs the jobs on their patterns; a job still running when its next tick comes skips that tick.
 * Every process ticks; a job's period runs in one of them (runOncePerPeriod), the push sender in all.
 */
export function startScheduler(deps: Deps, jobs: Job[]): Scheduler {
  const report = (job: Job) => (err: unknown) => console.error(`scheduled job "${job.name}" failed:`, err)
  const tick = (job: Job) =>
    job.everyProcess
      ? job.run()
      : runOncePerPeriod(deps, job.name, periodStart(deps.clock.now(), job.periodMs), job.run)
  const crons = jobs.map(
    (job) =>
      new Cron(job.pattern, { protect: true, unref: true, catch: report(job) }, async () => {
        await tick(job)
      }),
  )
  const first = setTimeout(() => {
    for (const [i, job] of jobs.entries()) if (job.atStart) void crons[i]!.trigger()
  }, 5_000)
  first.unref()
  return {
    stop: () => {
      clearTimeout(first)
      crons.forEach((c) => c.stop())
    },
  }
}
