import { birthdayRange, MAX_MEMBER_AGE, MIN_MEMBER_AGE } from '../contract/member-age.js'
import { sha256 } from './ids.js'
import { DAY_MS, isRealDate, localParts } from './time.js'

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

/**
 * The birthdays ('MM-DD') that `now` is within `windowDays` of on the local calendar: every day that
 * birthdayYear can answer for, so a job need read only members born on one of them. 29 February goes
 * with 28 February (where birthdayYear keeps it in other years).
 */
export function birthdayDaysNear(now: Date, tz: string, windowDays: number): string[] {
  const l = localParts(now, tz)
  const today = Date.UTC(l.year, l.month - 1, l.day)
  const days = new Set<string>()
  for (let d = -windowDays; d <= windowDays; d++) days.add(new Date(today + d * DAY_MS).toISOString().slice(5, 10))
  if (days.has('02-28')) days.add('02-29')
  return [...days]
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

/**
 * Why a birthday is refused, or null: not a real date, or an age outside 13 to 120 on `today`. The
 * message names the allowed range, for the form to show by the field.
 */
export function birthdayProblem(birthday: string, today: string): string | null {
  if (!isRealDate(birthday)) return 'not a real date'
  const { after, max } = birthdayRange(today)
  if (birthday <= after || birthday > max) {
    return `an age from ${MIN_MEMBER_AGE} to ${MAX_MEMBER_AGE}: a date after ${after} and on or before ${max}`
  }
  return null
}

/**
 * What a join claims the welcome bonus by: the member's email and the device it came from, hashed (the
 * table never holds either). One welcome bonus per claim and merchant: a second join with the same email,
 * or from a device that already joined, gets the card but not the bonus.
 */
export function welcomeClaims(email: string | null | undefined, deviceId: string | null | undefined): string[] {
  const out: string[] = []
  const e = email?.trim().toLowerCase()
  if (e) out.push(`email:${sha256(`welcome:${e}`)}`)
  if (deviceId) out.push(`device:${sha256(`welcome-device:${deviceId}`)}`)
  return out
}
