import { writeTx, type Db } from '../../db/connection.js'
import type { Deps } from '../common/deps.js'
import { deleteSessionByTokenHash, insertSession, sessionByTokenHash, touchSession } from '../../db/queries/people.js'
import { newId, randomToken, sha256 } from '../../domain/ids.js'
import { DAY_MS } from '../../domain/time.js'

export const CUSTOMER_SESSION_DAYS = 400
export const STAFF_SESSION_HOURS = 12
const TOUCH_AFTER_MS = 60 * 60 * 1000

export interface Principal {
  sessionId: string
  kind: 'customer' | 'staff'
  customerId: string | null
  staff: { id: string; merchantId: string; role: 'owner' | 'manager' | 'cashier' } | null
}

type Subject = { kind: 'customer'; customerId: string } | { kind: 'staff'; staffId: string }

/** A new session in the caller's transaction (sign-in replaces the device's old one in the same one). */
export async function createSession(
  db: Db,
  subject: Subject,
  now: Date,
  userAgent: string | null,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken()
  const ttl = subject.kind === 'customer' ? CUSTOMER_SESSION_DAYS * DAY_MS : STAFF_SESSION_HOURS * 3_600_000
  const expiresAt = new Date(now.getTime() + ttl)
  await insertSession(db, {
    id: newId(),
    token_hash: sha256(token),
    kind: subject.kind,
    customer_id: subject.kind === 'customer' ? subject.customerId : null,
    staff_id: subject.kind === 'staff' ? subject.staffId : null,
    user_agent: userAgent?.slice(0, 300) ?? null,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
  })
  return { token, expiresAt }
}

/** A new session in a transaction of its own. */
export const openSession = (deps: Deps, subject: Subject, userAgent: string | null) => {
  const now = deps.clock.now()
  return writeTx(deps.db, (tx) => createSession(tx, subject, now, userAgent))
}

/** The session behind a cookie token, or null when it is unknown, expired or its staff member was deactivated. */
export async function resolveSession(deps: Deps, token: string, now: Date): Promise<Principal | null> {
  const row = await sessionByTokenHash(deps.db, sha256(token), now.toISOString())
  if (!row) return null
  if (row.kind === 'staff' && (!row.staff_id || !row.staff_merchant_id || row.staff_active !== 1)) return null
  if (now.getTime() - new Date(row.last_seen_at).getTime() > TOUCH_AFTER_MS) {
    await writeTx(deps.db, (tx) => touchSession(tx, row.id, now.toISOString()))
  }
  return {
    sessionId: row.id,
    kind: row.kind,
    customerId: row.customer_id,
    staff:
      row.kind === 'staff' ? { id: row.staff_id!, merchantId: row.staff_merchant_id!, role: row.staff_role! } : null,
  }
}

export const endSession = (deps: Deps, token: string) =>
  writeTx(deps.db, (tx) => deleteSessionByTokenHash(tx, sha256(token)))
