import type { Deps } from '../services/deps.js'
import { purgeAccountTokens } from './account-housekeeping.js'
import { purgeExpiredHandles } from './housekeeping.js'

export interface Scheduler {
  stop(): void
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
  const timers = [
    every(10 * 60_000, () => purgeExpiredHandles(deps.db, deps.clock)),
    every(10 * 60_000, () => purgeAccountTokens(deps.db, deps.clock)),
  ]
  return { stop: () => timers.forEach(clearInterval) }
}
