import type { BusinessExport, CreatedInvite, OperatorBusiness, OperatorInvite } from '../../contract/platform.js'
import type { z } from 'zod'
import type { OperatorBusinesses } from '../../contract/platform.js'
import { writeTx } from '../../db/connection.js'
import { apiKeysOf, revokeApiKey } from '../../db/queries/access.js'
import { deleteStaffSessions, staffOfMerchant } from '../../db/queries/console.js'
import { locationsOf } from '../../db/queries/locations.js'
import { merchantById } from '../../db/queries/merchants.js'
import { programVersions } from '../../db/queries/program.js'
import { rewardsOfMerchant } from '../../db/queries/rewards.js'
import {
  activeMemberCountsSince,
  activeStaffCounts,
  allBusinesses,
  businessInvites,
  exportCards,
  exportLedger,
  failQueuedPushes,
  insertBusinessInvite,
  locationCounts,
  openCardCounts,
  purchaseCountsSince,
  pushCountsSince,
  setMerchantFields,
} from '../../db/queries/platform.js'
import type { Merchant } from '../../db/schema.js'
import { businessStatus } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'
import { newId, randomToken, sha256 } from '../../domain/ids.js'
import { rulesFromVersion } from '../../domain/program-rules.js'
import { DAY_MS } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'

/*
 * The operator console. Everything here is about businesses, never about their members: counts,
 * statuses and the business's own settings. No query below selects a member's name, email or birthday.
 */

const INVITE_DAYS = 14

const countsBy = async (rows: Promise<Array<{ merchant_id: string; n: number | string | bigint }>>) =>
  new Map((await rows).map((r) => [r.merchant_id, Number(r.n)]))

export async function listBusinesses(deps: Deps): Promise<z.infer<typeof OperatorBusinesses>> {
  const since = new Date(deps.clock.now().getTime() - 30 * DAY_MS).toISOString()
  const db = deps.db
  const [businesses, members, active, purchases, pushes, locations, staff] = await Promise.all([
    allBusinesses(db),
    countsBy(openCardCounts(db)),
    countsBy(activeMemberCountsSince(db, since)),
    countsBy(purchaseCountsSince(db, since)),
    countsBy(pushCountsSince(db, since)),
    countsBy(locationCounts(db)),
    countsBy(activeStaffCounts(db)),
  ])
  return {
    signupMode: deps.config.signup,
    businesses: businesses.map(
      (m): OperatorBusiness => ({
        id: m.id,
        slug: m.slug,
        name: m.name,
        kind: (m.kind as OperatorBusiness['kind']) ?? null,
        country: m.country,
        status: businessStatus(m),
        emailVerified: m.email_verified_at !== null,
        createdAt: m.created_at,
        suspendedReason: m.suspended_at ? m.suspended_reason : null,
        exportedAt: m.exported_at,
        members: members.get(m.id) ?? 0,
        active30: active.get(m.id) ?? 0,
        purchases30: purchases.get(m.id) ?? 0,
        pushes30: pushes.get(m.id) ?? 0,
        locations: locations.get(m.id) ?? 0,
        staff: staff.get(m.id) ?? 0,
      }),
    ),
  }
}

async function business(deps: Deps, id: string): Promise<Merchant> {
  const m = await merchantById(deps.db, id)
  if (!m) throw new DomainError('merchant_not_found', 'No such business.')
  return m
}

const one = async (deps: Deps, id: string) => (await listBusinesses(deps)).businesses.find((b) => b.id === id)!

/** Suspends a business: its till, POS and pushes stop at once (pushes waiting to go out are failed). */
export async function suspendBusiness(deps: Deps, id: string, reason: string): Promise<OperatorBusiness> {
  const m = await business(deps, id)
  if (m.closed_at) throw new DomainError('business_closed', `${m.name} is closed.`)
  const at = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    await setMerchantFields(tx, id, { suspended_at: m.suspended_at ?? at, suspended_reason: reason })
    await failQueuedPushes(tx, id, at)
  })
  return one(deps, id)
}

export async function resumeBusiness(deps: Deps, id: string): Promise<OperatorBusiness> {
  const m = await business(deps, id)
  if (m.closed_at) throw new DomainError('business_closed', `${m.name} is closed and cannot be resumed.`)
  await writeTx(deps.db, (tx) => setMerchantFields(tx, id, { suspended_at: null, suspended_reason: null }))
  return one(deps, id)
}

/**
 * The business's books for its records when it closes: settings, locations, program versions,
 * rewards, cards by number and the ledger, with no member's name, email or birthday.
 */
export async function exportBusiness(deps: Deps, id: string): Promise<BusinessExport> {
  const m = await business(deps, id)
  const at = deps.clock.now().toISOString()
  const [locations, versions, rewards, cards, ledger] = await Promise.all([
    locationsOf(deps.db, id),
    programVersions(deps.db, id),
    rewardsOfMerchant(deps.db, id),
    exportCards(deps.db, id),
    exportLedger(deps.db, id),
  ])
  await writeTx(deps.db, (tx) => setMerchantFields(tx, id, { exported_at: at }))
  return {
    exportedAt: at,
    business: {
      slug: m.slug,
      name: m.name,
      kind: m.kind,
      country: m.country,
      currency: m.currency,
      timezone: m.timezone,
      createdAt: m.created_at,
    },
    locations: locations.map((l) => ({ id: l.id, name: l.name, address: l.address, timezone: l.timezone })),
    programVersions: versions
      .map((v) => ({ version: v.version, effectiveFrom: v.effective_from, rules: rulesFromVersion(v) }))
      .reverse(),
    rewards: rewards.map((r) => ({ name: r.name, pointsCost: r.points_cost, active: r.active === 1 })),
    cards: cards.map((c) => ({
      cardNumber: c.card_number,
      balance: c.balance,
      joinedAt: c.created_at,
      closed: c.closed_at !== null,
    })),
    ledger: ledger.map((e) => ({
      cardNumber: e.card_number,
      kind: e.kind,
      points: e.points,
      balanceAfter: e.balance_after,
      amountMinor: e.amount_minor,
      locationId: e.location_id,
      createdAt: e.created_at,
    })),
  }
}

/**
 * Closes a business for good, once its data has been exported: staff are signed out and can no
 * longer sign in, POS keys are revoked, pushes waiting are failed. Members keep their cards and
 * history, with a notice that the program has closed.
 */
export async function closeBusiness(deps: Deps, id: string): Promise<OperatorBusiness> {
  const m = await business(deps, id)
  if (m.closed_at) return one(deps, id)
  if (!m.exported_at) {
    throw new DomainError('export_required', `Export ${m.name}'s data before closing it.`)
  }
  const at = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    await setMerchantFields(tx, id, { closed_at: at })
    await failQueuedPushes(tx, id, at)
    for (const s of await staffOfMerchant(tx, id)) await deleteStaffSessions(tx, s.id)
    for (const k of await apiKeysOf(tx, id)) if (!k.revoked_at) await revokeApiKey(tx, id, k.id, at)
  })
  return one(deps, id)
}

const toInvite = (r: Awaited<ReturnType<typeof businessInvites>>[number]): OperatorInvite => ({
  id: r.id,
  note: r.note,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  businessName: r.business_name,
})

export async function listBusinessInvites(deps: Deps): Promise<OperatorInvite[]> {
  return (await businessInvites(deps.db)).map(toInvite)
}

/** A single-use sign-up link (14 days); the token is shown only in this answer. */
export async function createBusinessInvite(deps: Deps, operatorId: string, note: string): Promise<CreatedInvite> {
  const now = deps.clock.now()
  const token = randomToken(24)
  const row = {
    id: newId(),
    token_hash: sha256(token),
    note,
    created_by: operatorId,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + INVITE_DAYS * DAY_MS).toISOString(),
    used_at: null,
    merchant_id: null,
  }
  await writeTx(deps.db, (tx) => insertBusinessInvite(tx, row))
  return {
    ...toInvite({ ...row, business_name: null }),
    url: `${deps.config.publicUrl}/business/signup?invite=${token}`,
  }
}
