import { PushSender } from './sender.js'
import type { Deps } from '../common/deps.js'
import { runAutomations, type AutomationOptions } from './automations.js'

const DRAIN_EVERY_MS = 2_000
const AUTOMATIONS_EVERY_MS = 5 * 60_000

/**
 * The push side of the scheduler: the outbox sender every two seconds and the automations every
 * five minutes (and shortly after start, which is how they catch up after downtime).
 */
export function startPushJobs(deps: Deps, opts: AutomationOptions = {}) {
  const sender = new PushSender(deps)
  const log = (what: string) => (err: unknown) => console.error(`push ${what} failed:`, err)
  const ready = sender.recover().then((n) => {
    if (n) console.warn(`push: ${n} message(s) were being sent when the server stopped; marked failed, not resent.`)
  })
  let busy = false
  const automations = async () => {
    if (busy) return
    busy = true
    try {
      await ready
      await runAutomations(deps, opts)
    } finally {
      busy = false
    }
  }
  const timers = [
    setInterval(() => void ready.then(() => sender.drain()).catch(log('sender')), DRAIN_EVERY_MS),
    setInterval(() => void automations().catch(log('automations')), AUTOMATIONS_EVERY_MS),
  ]
  const first = setTimeout(() => void automations().catch(log('automations')), 5_000)
  for (const t of [...timers, first]) t.unref()
  return {
    sender,
    stop() {
      timers.forEach(clearInterval)
      clearTimeout(first)
    },
  }
}
