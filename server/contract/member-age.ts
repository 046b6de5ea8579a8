/*
 * Members are 13 to 120 years old: a birthday outside that is a typo (1850, this year), not a member.
 * No zod here: the join form imports it to set the date picker's range.
 */
export const MIN_MEMBER_AGE = 13
export const MAX_MEMBER_AGE = 120

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/**
 * The birthdays a member may give on `today` (YYYY-MM-DD): after `after` (the day they would turn 121)
 * and on or before `max` (their 13th birthday). 29 February in a year without one is 28 February.
 */
export function birthdayRange(today: string): { after: string; max: string } {
  const y = Number(today.slice(0, 4))
  const md = today.slice(4)
  const at = (year: number) => (md === '-02-29' && !isLeap(year) ? `${year}-02-28` : `${year}${md}`)
  return { after: at(y - MAX_MEMBER_AGE - 1), max: at(y - MIN_MEMBER_AGE) }
}
