import type { Deps } from '../services/common/deps.js'
import { purgeAccountTokens } from '../services/members/housekeeping.js'
import { purgeExpiredHandles } from '../services/till/housekeeping.js'
import { expirePoints, grantBirthdayBonuses, reevaluateTiers } from '../services/program/jobs.js'
import { startPushJobs } from '../services/push/jobs.js'
import { couponIssuer } from '../services/perks/coupon-issuer.js'
import { detectStaffAnomalies } from '../services/insights/staff-alerts.js'

export interface Scheduler {
  stop(): void
}

/** A job that skips its tick while the previous run is still going. */
function exclusive(job: () => Promise<void>): () => Promise<void> {
  let running = false
  return async () => {
    if (running) return
    running = true
    try {
      await job()
    } finally {
      running = false
    }
  }
}

/** Runs the periodic jobs; each is a plain async function tests call directly. */
export function startScheduler(deps: Deps): Scheduler {
  const every = (ms: number, job: () => Promise<void>) => {
    const t = setInterval(() => {
      job().catch((err) => console.error('scheduled job failed:', err))
    }, ms)
    t.unref()
    return t
  }
  const hourly = (job: (d: Deps) => Promise<number>) => every(60 * 60_000, async () => void (await job(deps)))
  const timers = [
    every(10 * 60_000, () => purgeExpiredHandles(deps.db, deps.clock)),
    every(10 * 60_000, () => purgeAccountTokens(deps.db, deps.clock)),
    // Program engine jobs are idempotent, so running them hourly only catches up promptly.
    hourly(expirePoints),
    hourly(reevaluateTiers),
    hourly(grantBirthdayBonuses),
    // Staff anomaly alerts read the ledger after the fact; each run resumes where the last stopped.
    every(
      5 * 60_000,
      exclusive(async () => void (await detectStaffAnomalies(deps))),
    ),
  ]
  // Birthday and win-back pushes carry a coupon when the merchant switched that on.
  const push = startPushJobs(deps, { coupons: couponIssuer })
  return {
    stop: () => {
      timers.forEach(clearInterval)
      push.stop()
    },
  }
}
