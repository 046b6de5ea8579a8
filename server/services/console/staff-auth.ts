import type { StaffMe } from '../../contract/staff.js'
import { currentProgram } from '../../db/queries/merchants.js'
import { staffByEmail, staffWithMerchant } from '../../db/queries/people.js'
import { DomainError } from '../../domain/errors.js'
import type { Deps } from '../common/deps.js'
import { verifyPassword } from './passwords.js'

export async function staffMe(deps: Deps, staffId: string): Promise<StaffMe> {
  const s = await staffWithMerchant(deps.db, staffId)
  if (!s) throw new DomainError('unauthenticated', 'Please sign in.')
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
    },
  }
}

/** Checks email and password; the same answer for an unknown email, a wrong password or a deactivated account. */
export async function checkStaffCredentials(deps: Deps, email: string, password: string): Promise<string> {
  const staff = await staffByEmail(deps.db, email)
  const ok = await verifyPassword(staff?.password_hash ?? null, password)
  if (!staff || !ok || staff.active !== 1) {
    throw new DomainError('invalid_credentials', 'The email or password is not right.')
  }
  return staff.id
}
