import { DAY_MS, localParts } from './time.js'

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/**
 * The year whose birthday `now` falls near (within `windowDays` days either side, on the merchant's
 * local calendar), or null. A 29 February birthday is kept on 28 February in other years. The year
 * is the once-per-year key: a window that crosses New Year still belongs to one birthday.
 */
export function birthdayYear(birthday: string, now: Date, tz: string, windowDays: number): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthday)
  if (!m) return null
  const month = Number(m[2])
  const day = Number(m[3])
  const l = localParts(now, tz)
  const today = Date.UTC(l.year, l.month - 1, l.day)
  for (const year of [l.year - 1, l.year, l.year + 1]) {
    const d = month === 2 && day === 29 && !isLeap(year) ? 28 : day
    const bday = Date.UTC(year, month - 1, d)
    if (Math.abs(today - bday) <= windowDays * DAY_MS) return year
  }
  return null
}

/** A birthday can be set once, and then changed at most once a year. */
export function birthdayChangeAllowed(
  current: string | null,
  setAt: string | null,
  now: Date,
): { ok: boolean; from: string | null } {
  if (current === null || setAt === null) return { ok: true, from: null }
  const from = new Date(setAt)
  from.setUTCFullYear(from.getUTCFullYear() + 1)
  return { ok: now.getTime() >= from.getTime(), from: from.toISOString() }
}

export interface Member {
  customerId: string
  email: string | null
}

/** Why a referral earns nothing, or null when it earns the bonus: never for referring oneself. */
export function referralRefusal(referrer: Member, friend: Member): 'self' | null {
  if (referrer.customerId === friend.customerId) return 'self'
  if (referrer.email && friend.email && referrer.email.trim().toLowerCase() === friend.email.trim().toLowerCase())
    return 'self'
  return null
}
