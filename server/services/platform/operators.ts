import { operatorRow } from '../../db/queries/platform.js'
import { staffWithMerchant } from '../../db/queries/people.js'
import type { Deps } from '../common/deps.js'

/** An operator: a staff account named in OPERATOR_EMAILS, or the one the first-run setup made. */
export async function isOperator(deps: Deps, staff: { id: string; email: string }): Promise<boolean> {
  if (deps.config.operatorEmails.includes(staff.email.toLowerCase())) return true
  return (await operatorRow(deps.db, staff.id)) !== undefined
}

/** Whether the signed-in staff member behind this id is an operator. */
export async function isStaffOperator(deps: Deps, staffId: string): Promise<boolean> {
  const s = await staffWithMerchant(deps.db, staffId)
  return s ? isOperator(deps, { id: s.id, email: s.email }) : false
}
