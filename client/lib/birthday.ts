import { birthdayRange } from '../../server/contract/member-age.js'

/**
 * The birthdays a member may enter today, as the date picker's min and max (YYYY-MM-DD): ages 13 to
 * 120, the same rule the server applies (server/contract/member-age.ts).
 */
export function birthdayBounds(today = new Date().toISOString().slice(0, 10)): { min: string; max: string } {
  const { after, max } = birthdayRange(today)
  const d = new Date(`${after}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return { min: d.toISOString().slice(0, 10), max }
}

/** Whether a YYYY-MM-DD birthday is in range (an empty one is for the caller to allow). */
export const birthdayInRange = (value: string, b = birthdayBounds()) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && value >= b.min && value <= b.max
