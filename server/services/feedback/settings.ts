import type { FeedbackSettingsDto } from '../../contract/feedback.js'
import { writeTx, type Db } from '../../db/connection.js'
import { feedbackSettingsOf, saveFeedbackSettings } from '../../db/queries/feedback.js'
import { DEFAULT_FEEDBACK_SETTINGS, type FeedbackSettings } from '../../domain/feedback.js'
import type { Deps } from '../common/deps.js'

/** The merchant's feedback settings; the defaults until the owner saves some. */
export async function loadFeedbackSettings(db: Db, merchantId: string): Promise<FeedbackSettings> {
  const r = await feedbackSettingsOf(db, merchantId)
  if (!r) return { ...DEFAULT_FEEDBACK_SETTINGS }
  return {
    visitQuestions: r.visit_questions === 1,
    periodDays: r.period_days,
    pushDelayHours: r.push_delay_hours,
    cashierAccess: r.cashier_access,
  }
}

export const getFeedbackSettings = (deps: Deps, merchantId: string): Promise<FeedbackSettingsDto> =>
  loadFeedbackSettings(deps.db, merchantId)

export async function updateFeedbackSettings(
  deps: Deps,
  merchantId: string,
  s: FeedbackSettingsDto,
): Promise<FeedbackSettingsDto> {
  await writeTx(deps.db, (tx) =>
    saveFeedbackSettings(tx, {
      merchant_id: merchantId,
      visit_questions: s.visitQuestions ? 1 : 0,
      period_days: s.periodDays,
      push_delay_hours: s.pushDelayHours,
      cashier_access: s.cashierAccess,
      updated_at: deps.clock.now().toISOString(),
    }),
  )
  return loadFeedbackSettings(deps.db, merchantId)
}
