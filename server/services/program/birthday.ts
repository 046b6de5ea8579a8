import { writeTx } from '../../db/connection.js'
import { customerById } from '../../db/queries/people.js'
import { setCustomerBirthday } from '../../db/queries/program.js'
import { birthdayChangeAllowed, birthdayProblem } from '../../domain/bonuses.js'
import { DomainError } from '../../domain/errors.js'
import type { Deps } from '../common/deps.js'

export async function getBirthday(deps: Deps, customerId: string) {
  const c = await customerById(deps.db, customerId)
  if (!c) throw new DomainError('not_found', 'No such member.')
  const rule = birthdayChangeAllowed(c.birthday, c.birthday_set_at, deps.clock.now())
  return { birthday: c.birthday, changeableFrom: rule.ok ? null : rule.from }
}

/** Set once, then changed at most once a year (a birthday bonus is once a year whatever the date says). */
export async function setBirthday(deps: Deps, customerId: string, birthday: string) {
  const now = deps.clock.now()
  const c = await customerById(deps.db, customerId)
  if (!c) throw new DomainError('not_found', 'No such member.')
  assertPlausibleBirthday(birthday, now)
  if (c.birthday === birthday) return getBirthday(deps, customerId)
  const rule = birthdayChangeAllowed(c.birthday, c.birthday_set_at, now)
  if (!rule.ok) {
    throw new DomainError('birthday_locked', 'A birthday can be changed once a year.', { changeableFrom: rule.from })
  }
  // The first setting (at join or here) is free; the stamp starts the once-a-year clock from the first change.
  await writeTx(deps.db, (tx) =>
    setCustomerBirthday(tx, customerId, birthday, c.birthday === null ? null : now.toISOString()),
  )
  return getBirthday(deps, customerId)
}

/** A birthday must be real and make the member 13 to 120 years old; refused as a 400 naming the field. */
export function assertPlausibleBirthday(birthday: string, now: Date): void {
  const problem = birthdayProblem(birthday, now.toISOString().slice(0, 10))
  if (problem) {
    throw new DomainError('validation_failed', `birthday: ${problem}`, [{ path: 'birthday', message: problem }])
  }
}
