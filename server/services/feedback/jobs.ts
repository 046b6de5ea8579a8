import { writeTx } from '../../db/connection.js'
import { fill, messagesFor } from '../../domain/i18n/index.js'
import {
  feedbackMerchants,
  feedbackScannedUntil,
  markNudged,
  questionsToNudge,
  setFeedbackScannedUntil,
  visitsOfOptedIn,
  type VisitRow,
} from '../../db/queries/feedback.js'
import { merchantById } from '../../db/queries/merchants.js'
import { HOUR_MS, VISIT_QUESTION_TTL_HOURS } from '../../domain/feedback.js'
import type { Deps } from '../common/deps.js'
import { queueNotification, type QueueResult } from '../push/queue.js'
import { loadFeedbackSettings } from './settings.js'
import { openSurveyRounds } from './surveys.js'
import { ensureVisitQuestion } from './visits.js'

/*
 * The feedback automation, every 5 minutes (server/jobs/scheduler.ts): survey rounds that are due
 * open, and members who switched feedback pushes on get the visit question by push a few hours after
 * the visit (the merchant's delay), once, through the outbox (quiet hours, the daily cap and the
 * member's switch apply there). Each run reads the visits since the last run's watermark.
 */

const NUDGE_CHUNK = 200

export interface FeedbackRun {
  rounds: number
  asked: number
  nudges: Partial<Record<QueueResult['status'], number>>
}

export async function runFeedbackJobs(deps: Deps): Promise<FeedbackRun> {
  const run: FeedbackRun = { rounds: await openSurveyRounds(deps), asked: 0, nudges: {} }
  for (const m of await feedbackMerchants(deps.db)) {
    const settings = await loadFeedbackSettings(deps.db, m.id)
    if (!settings.visitQuestions) continue
    const now = deps.clock.now()
    const until = new Date(now.getTime() - settings.pushDelayHours * HOUR_MS).toISOString()
    const floor = new Date(now.getTime() - VISIT_QUESTION_TTL_HOURS * HOUR_MS).toISOString()
    const last = await feedbackScannedUntil(deps.db, m.id)
    const from = last && last > floor ? last : floor
    if (from < until) {
      // The latest visit per member is the one to ask about.
      const latest = new Map<string, VisitRow>()
      for (const v of await visitsOfOptedIn(deps.db, m.id, from, until)) latest.set(v.card_id, v)
      run.asked += await writeTx(deps.db, async (tx) => {
        let made = 0
        for (const v of latest.values()) if (await ensureVisitQuestion(tx, v, m.id, settings, now)) made++
        await setFeedbackScannedUntil(tx, m.id, until)
        return made
      })
    }
    const due = await questionsToNudge(deps.db, m.id, until, now.toISOString())
    if (!due.length) continue
    const merchant = (await merchantById(deps.db, m.id))!
    for (let i = 0; i < due.length; i += NUDGE_CHUNK) {
      const results = await writeTx(deps.db, async (tx) => {
        const out: QueueResult['status'][] = []
        for (const q of due.slice(i, i + NUDGE_CHUNK)) {
          await markNudged(tx, q.id, now.toISOString())
          const res = await queueNotification(
            tx,
            {
              cardId: q.card_id!,
              kind: 'feedback_visit',
              title: merchant.name,
              body: `How was your visit to ${merchant.name}? Tap to rate it.`,
              localized: (l) => ({ body: fill(messagesFor(l).push.visitQuestion, { merchant: merchant.name }, l) }),
              run: { kind: 'feedback_visit', period: q.id },
            },
            now,
          )
          out.push(res.status)
        }
        return out
      })
      for (const s of results) run.nudges[s] = (run.nudges[s] ?? 0) + 1
    }
  }
  return run
}
