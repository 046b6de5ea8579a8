import type { z } from 'zod'
import type { InviteInfo, InviteStaff, StaffInvitation, StaffMember, UpdateStaff } from '../../contract/console.js'
import { writeTx } from '../../db/connection.js'
import {
  closeInvitesOf,
  countActiveOwners,
  deleteStaffSessions,
  insertStaffInvite,
  inviteByTokenHash,
  openInvites,
  setStaffActive,
  setStaffPassword,
  setStaffRole,
  staffMemberOf,
  staffOfMerchant,
  useInvite,
} from '../../db/queries/console.js'
import { locationOf, setStaffLocations, staffLocationRows } from '../../db/queries/locations.js'
import { insertStaff, staffByEmail } from '../../db/queries/people.js'
import { DomainError } from '../../domain/errors.js'
import { newId, randomToken, sha256 } from '../../domain/ids.js'
import type { Actor, Deps } from '../common/deps.js'
import { hashPassword } from './passwords.js'
import { DAY_MS } from '../../domain/time.js'

export const INVITE_DAYS = 7
/** An invited member has no usable password until they accept: this never verifies as an argon2 hash. */
const NO_PASSWORD = '!invited'

type StaffRow = Awaited<ReturnType<typeof staffOfMerchant>>[number]

function toMember(s: StaffRow, invites: Map<string, string>, places: Map<string, string[]>): StaffMember {
  const inviteExpiresAt = invites.get(s.id) ?? null
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    role: s.role,
    status: s.active === 1 ? 'active' : inviteExpiresAt ? 'invited' : 'deactivated',
    inviteExpiresAt: s.active === 1 ? null : inviteExpiresAt,
    createdAt: s.created_at,
    locationIds: places.get(s.id) ?? [],
  }
}

async function placesByStaff(deps: Deps, merchantId: string) {
  const out = new Map<string, string[]>()
  for (const r of await staffLocationRows(deps.db, merchantId))
    out.set(r.staff_id, [...(out.get(r.staff_id) ?? []), r.location_id])
  return out
}

async function invitesByStaff(deps: Deps, merchantId: string) {
  return new Map((await openInvites(deps.db, merchantId)).map((i) => [i.staff_id, i.expires_at]))
}

export async function listStaff(deps: Deps, merchantId: string): Promise<StaffMember[]> {
  const invites = await invitesByStaff(deps, merchantId)
  const places = await placesByStaff(deps, merchantId)
  return (await staffOfMerchant(deps.db, merchantId)).map((s) => toMember(s, invites, places))
}

async function member(deps: Deps, merchantId: string, staffId: string): Promise<StaffMember> {
  const s = await staffMemberOf(deps.db, merchantId, staffId)
  if (!s) throw new DomainError('not_found', 'No staff member with this id.')
  return toMember(s, await invitesByStaff(deps, merchantId), await placesByStaff(deps, merchantId))
}

function newInvite(deps: Deps, actor: Actor, staffId: string) {
  const now = deps.clock.now()
  const token = randomToken()
  const expiresAt = new Date(now.getTime() + INVITE_DAYS * DAY_MS).toISOString()
  const row = {
    id: newId(),
    merchant_id: actor.merchantId,
    staff_id: staffId,
    token_hash: sha256(token),
    created_by: actor.staffId!,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    used_at: null,
  }
  return { row, expiresAt, inviteUrl: `${deps.config.publicUrl}/staff/invite?token=${token}` }
}

/** Creates the staff member (inactive until they accept) and a one-time link; only the token's hash is kept. */
export async function inviteStaff(
  deps: Deps,
  actor: Actor,
  req: z.infer<typeof InviteStaff>,
): Promise<StaffInvitation> {
  const now = deps.clock.now()
  const staffId = newId()
  const invite = newInvite(deps, actor, staffId)
  await writeTx(deps.db, async (tx) => {
    if (await staffByEmail(tx, req.email))
      throw new DomainError('email_taken', 'A staff account with this email already exists.')
    await insertStaff(tx, {
      id: staffId,
      merchant_id: actor.merchantId,
      email: req.email,
      name: req.name,
      role: req.role,
      password_hash: NO_PASSWORD,
      active: 0,
      created_at: now.toISOString(),
    })
    await insertStaffInvite(tx, invite.row)
    const places = [...new Set(req.locationIds ?? [])]
    for (const id of places) {
      const l = await locationOf(tx, actor.merchantId, id)
      if (!l || l.archived_at) {
        throw new DomainError('location_not_found', 'No such location in your business.', [
          { path: 'locationIds', message: `unknown location ${id}` },
        ])
      }
    }
    await setStaffLocations(tx, actor.merchantId, staffId, places, now.toISOString())
  })
  return {
    member: await member(deps, actor.merchantId, staffId),
    inviteUrl: invite.inviteUrl,
    expiresAt: invite.expiresAt,
  }
}

/** A fresh link for someone who has not accepted yet (the old one expired or got lost); earlier links stop working. */
export async function reinviteStaff(deps: Deps, actor: Actor, staffId: string): Promise<StaffInvitation> {
  const invite = newInvite(deps, actor, staffId)
  await writeTx(deps.db, async (tx) => {
    const s = await staffMemberOf(tx, actor.merchantId, staffId)
    if (!s) throw new DomainError('not_found', 'No staff member with this id.')
    const row = await staffByEmail(tx, s.email)
    if (!row || row.password_hash !== NO_PASSWORD) {
      throw new DomainError('already_accepted', 'This person has already accepted an invitation and has a password.')
    }
    await closeInvitesOf(tx, staffId, invite.row.created_at)
    await insertStaffInvite(tx, invite.row)
  })
  return {
    member: await member(deps, actor.merchantId, staffId),
    inviteUrl: invite.inviteUrl,
    expiresAt: invite.expiresAt,
  }
}

/**
 * Role changes and (de)activation. The last active owner can be neither demoted nor deactivated, so a
 * merchant is never locked out of its own console. Deactivation ends the member's sessions at once.
 */
export async function updateStaff(
  deps: Deps,
  actor: Actor,
  staffId: string,
  req: z.infer<typeof UpdateStaff>,
): Promise<StaffMember> {
  const now = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    const s = await staffMemberOf(tx, actor.merchantId, staffId)
    if (!s) throw new DomainError('not_found', 'No staff member with this id.')
    const losesOwner =
      s.role === 'owner' && s.active === 1 && ((req.role && req.role !== 'owner') || req.active === false)
    if (losesOwner && (await countActiveOwners(tx, actor.merchantId)) <= 1) {
      throw new DomainError(
        'last_owner',
        'The last active owner cannot be demoted or deactivated. Make someone else an owner first.',
      )
    }
    if (req.role && req.role !== s.role) await setStaffRole(tx, staffId, req.role)
    if (req.active === false && s.active === 1) {
      await setStaffActive(tx, staffId, 0)
      await deleteStaffSessions(tx, staffId)
    }
    if (req.active === false) await closeInvitesOf(tx, staffId, now)
    if (req.active === true && s.active === 0) {
      // Reactivating someone who never set a password would leave an account nobody can use.
      const row = await staffByEmail(tx, s.email)
      if (!row || row.password_hash === NO_PASSWORD) {
        throw new DomainError('invite_pending', 'This person has not accepted the invitation yet.')
      }
      await setStaffActive(tx, staffId, 1)
    }
  })
  return member(deps, actor.merchantId, staffId)
}

async function openInvite(deps: Deps, token: string) {
  const invite = await inviteByTokenHash(deps.db, sha256(token))
  if (!invite || invite.used_at || invite.expires_at <= deps.clock.now().toISOString()) {
    throw new DomainError('invite_invalid', 'This invitation link has expired or was already used. Ask for a new one.')
  }
  return invite
}

export async function inviteInfo(deps: Deps, token: string): Promise<z.infer<typeof InviteInfo>> {
  const i = await openInvite(deps, token)
  return { name: i.name, email: i.email, role: i.role, merchantName: i.merchant_name }
}

/** Sets the password and activates the member; the token works once. Returns the staff id to sign in. */
export async function acceptInvite(deps: Deps, token: string, password: string): Promise<string> {
  const invite = await openInvite(deps, token)
  const hash = await hashPassword(password)
  const now = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    if (!(await useInvite(tx, invite.id, now))) {
      throw new DomainError(
        'invite_invalid',
        'This invitation link has expired or was already used. Ask for a new one.',
      )
    }
    await setStaffPassword(tx, invite.staff_id, hash)
    await setStaffActive(tx, invite.staff_id, 1)
  })
  return invite.staff_id
}
