import { DomainError } from './errors.js'
import { localParts } from './time.js'

export interface StampRules {
  dailyLimit: number
  cooldownMinutes: number
  timeZone: string
}

/**
 * Refuses a stamp that comes too soon after the last one (cooldown) or beyond the per-day limit of
 * the card, the day being the merchant's local day. `recent` holds the card's stamp times of at least
 * the last 48 hours, in any order.
 */
export function assertStampAllowed(rules: StampRules, recent: readonly string[], now: Date): void {
  const nowMs = now.getTime()
  const last = recent.reduce<string | null>((m, t) => (m === null || t > m ? t : m), null)
  if (last !== null && rules.cooldownMinutes > 0) {
    const nextAt = new Date(new Date(last).getTime() + rules.cooldownMinutes * 60_000)
    if (nextAt.getTime() > nowMs) {
      const wait = Math.ceil((nextAt.getTime() - nowMs) / 60_000)
      throw new DomainError(
        'stamp_cooldown',
        `Too soon after the last stamp: the next one can be added in ${wait} min.`,
        {
          nextAt: nextAt.toISOString(),
          waitMinutes: wait,
        },
      )
    }
  }
  const today = localParts(now, rules.timeZone).date
  const todayCount = recent.filter((t) => localParts(new Date(t), rules.timeZone).date === today).length
  if (todayCount >= rules.dailyLimit) {
    throw new DomainError(
      'stamp_daily_limit',
      `This card already has ${todayCount} stamp${todayCount === 1 ? '' : 's'} today, the daily limit. Come back tomorrow.`,
      { dailyLimit: rules.dailyLimit },
    )
  }
}

/** Stamps shown on the card; a full card is exchanged for a coupon at once, so it shows as empty again. */
export function stampsAfter(openStamps: number, required: number): { filled: number; completed: boolean } {
  if (openStamps >= required) return { filled: openStamps - required, completed: true }
  return { filled: openStamps, completed: false }
}
