import type { StaffMe } from '../../contract/staff.js'
import { merchantById, currentProgram } from '../../db/queries/merchants.js'
import { staffByEmail, staffWithMerchant } from '../../db/queries/people.js'
import { businessStatus } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'
import type { Deps } from '../common/deps.js'
import { firstRunComplete } from '../first-run/checklist.js'
import { toLocationRef, workplacesOf } from '../locations/locations.js'
import { isOperator } from '../platform/operators.js'
import { assertNotThrottled, recordFailure, recordSuccess } from './login-throttle.js'
import { verifyPassword } from './passwords.js'

export async function staffMe(deps: Deps, staffId: string): Promise<StaffMe> {
  const s = await staffWithMerchant(deps.db, staffId)
  if (!s) throw new DomainError('unauthenticated', 'Please sign in.')
  const m = (await merchantById(deps.db, s.merchant_id))!
  const program = await currentProgram(deps.db, s.merchant_id, deps.clock.now().toISOString())
  return {
    id: s.id,
    name: s.name,
    email: s.email,
    role: s.role,
    merchant: {
      slug: s.slug,
      name: s.merchant_name,
      currency: s.currency,
      brandColor: s.brand_color,
      pointsPerUnit: program?.points_per_unit ?? 1,
      unitMinor: program?.unit_minor ?? 100,
      status: businessStatus(m),
      firstRunComplete: await firstRunComplete(deps.db, m),
    },
    locations: (await workplacesOf(deps.db, s.merchant_id, s.id)).map(toLocationRef),
    operator: await isOperator(deps, { id: s.id, email: s.email }),
  }
}

/**
 * Checks email and password; the same answer for an unknown email, a wrong password or a deactivated
 * account. Failures are throttled per account, per account and address, and per address (see
 * login-throttle.ts), so one person's typos on a shop's shared Wi-Fi lock out nobody else.
 */
export async function checkStaffCredentials(
  deps: Deps,
  email: string,
  password: string,
  address: string,
): Promise<string> {
  const attempt = { email, address }
  await assertNotThrottled(deps, attempt)
  const staff = await staffByEmail(deps.db, email)
  const ok = await verifyPassword(staff?.password_hash ?? null, password)
  if (!staff || !ok || staff.active !== 1) {
    await recordFailure(deps, attempt)
    throw new DomainError('invalid_credentials', 'The email or password is not right.')
  }
  await recordSuccess(deps, attempt)
  const m = await merchantById(deps.db, staff.merchant_id)
  if (m?.closed_at) throw new DomainError('business_closed', `${m.name} has closed its loyalty program.`)
  return staff.id
}
