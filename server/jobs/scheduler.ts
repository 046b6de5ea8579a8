import { Cron } from 'croner'
import type { Deps } from '../services/common/deps.js'
import { detectStaffAnomalies } from '../services/insights/staff-alerts.js'
import { purgeAccountTokens } from '../services/members/housekeeping.js'
import { purgePlatformTokens } from '../services/platform/housekeeping.js'
import { couponIssuer } from '../services/perks/coupon-issuer.js'
import { expirePoints, grantBirthdayBonuses, reevaluateTiers } from '../services/program/jobs.js'
import { runAutomations } from '../services/push/automations.js'
import { PushSender } from '../services/push/sender.js'
import { purgeExpiredHandles } from '../services/till/housekeeping.js'

/** A periodic job: a plain async function over deps (tests call them directly) and when it runs. */
export interface Job {
  name: string
  /** A cron pattern (croner; six fields when seconds matter). */
  pattern: string
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
  // At start: rows a stopped process left in `sending` are failed, never sent twice.
  const recovered = sender.recover().then((n) => {
    if (n) console.warn(`push: ${n} message(s) were being sent when the server stopped; marked failed, not resent.`)
  })
  return [
    { name: 'purge scan handles', pattern: '*/10 * * * *', run: () => purgeExpiredHandles(deps) },
    { name: 'purge sign-in tokens', pattern: '*/10 * * * *', run: () => purgeAccountTokens(deps) },
    { name: 'purge platform tokens', pattern: '7 * * * *', run: () => purgePlatformTokens(deps) },
    // Program engine jobs: hourly, so a merchant's local midnight is caught within the hour.
    { name: 'expire points', pattern: '0 * * * *', run: () => expirePoints(deps) },
    { name: 'reevaluate tiers', pattern: '2 * * * *', run: () => reevaluateTiers(deps) },
    { name: 'birthday bonuses', pattern: '4 * * * *', run: () => grantBirthdayBonuses(deps) },
    // Staff anomaly alerts read the ledger after the fact; each run resumes where the last stopped.
    { name: 'staff alerts', pattern: '*/5 * * * *', run: () => detectStaffAnomalies(deps) },
    // Birthday and win-back pushes carry a coupon when the merchant switched that on.
    {
      name: 'push automations',
      pattern: '*/5 * * * *',
      atStart: true,
      run: async () => (await recovered, runAutomations(deps, { coupons: couponIssuer })),
    },
    { name: 'push sender', pattern: '*/2 * * * * *', run: async () => (await recovered, sender.drain()) },
  ]
}

export interface Scheduler {
  stop(): void
}

/** Runs the jobs on their patterns; a job still running when its next tick comes skips that tick. */
export function startScheduler(jobs: Job[]): Scheduler {
  const report = (job: Job) => (err: unknown) => console.error(`scheduled job "${job.name}" failed:`, err)
  const crons = jobs.map(
    (job) =>
      new Cron(job.pattern, { protect: true, unref: true, catch: report(job) }, async () => {
        await job.run()
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
