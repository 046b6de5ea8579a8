import type { LocationDto, LocationInput, LocationRef } from '../../contract/locations.js'
import { writeTx, type Db } from '../../db/connection.js'
import {
  insertLocation,
  locationIdsOfStaff,
  locationOf,
  locationsOf,
  setStaffLocations,
  staffLocationRows,
  updateLocation,
} from '../../db/queries/locations.js'
import { staffMemberOf } from '../../db/queries/console.js'
import type { Location } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import type { OpeningHours } from '../../domain/staff-anomalies.js'
import type { Actor, Deps } from '../common/deps.js'
import { queueMerchantWalletUpdates } from '../wallet/updates.js'

export const toLocationRef = (l: Pick<Location, 'id' | 'name'>): LocationRef => ({ id: l.id, name: l.name })

export function toLocation(l: Location, staffIds: string[]): LocationDto {
  return {
    id: l.id,
    name: l.name,
    address: l.address,
    timezone: l.timezone,
    openingHours: l.opening_hours ? (JSON.parse(l.opening_hours) as OpeningHours) : null,
    latitude: l.latitude,
    longitude: l.longitude,
    archived: l.archived_at !== null,
    staffIds,
    createdAt: l.created_at,
  }
}

export async function listLocations(deps: Deps, merchantId: string): Promise<LocationDto[]> {
  const staff = new Map<string, string[]>()
  for (const r of await staffLocationRows(deps.db, merchantId)) {
    staff.set(r.location_id, [...(staff.get(r.location_id) ?? []), r.staff_id])
  }
  return (await locationsOf(deps.db, merchantId)).map((l) => toLocation(l, staff.get(l.id) ?? []))
}

/** A location's fields; the coordinates may be left out (the first location, made at sign-up, has none). */
type LocationFields = Omit<LocationInput, 'latitude' | 'longitude'> &
  Partial<Pick<LocationInput, 'latitude' | 'longitude'>>

const columns = (i: LocationFields, at: string) => ({
  name: i.name,
  address: i.address,
  timezone: i.timezone,
  opening_hours: i.openingHours ? JSON.stringify(i.openingHours) : null,
  latitude: i.latitude ?? null,
  longitude: i.longitude ?? null,
  archived_at: i.archived ? at : null,
  updated_at: at,
})

/** A new location; the first-run sign-up makes the first one (named after the business). */
export async function addLocation(tx: Db, merchantId: string, input: LocationFields, now: Date): Promise<string> {
  const at = now.toISOString()
  const id = newId()
  await insertLocation(tx, { id, merchant_id: merchantId, created_at: at, ...columns(input, at) })
  return id
}

export async function createLocation(deps: Deps, merchantId: string, input: LocationInput): Promise<LocationDto> {
  const id = await writeTx(deps.db, async (tx) => {
    const added = await addLocation(tx, merchantId, input, deps.clock.now())
    // Apple passes carry the locations for lock-screen relevance.
    await queueMerchantWalletUpdates(tx, merchantId, deps.clock.now())
    return added
  })
  return (await listLocations(deps, merchantId)).find((l) => l.id === id)!
}

/** Edits a location; archiving keeps its history (awards keep pointing at it) but takes it off the till. */
export async function updateLocationById(
  deps: Deps,
  merchantId: string,
  id: string,
  input: LocationInput,
): Promise<LocationDto> {
  const at = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    const existing = await locationOf(tx, merchantId, id)
    if (!existing) throw notFound()
    const set = columns(input, at)
    // Archiving again keeps the first date.
    if (input.archived && existing.archived_at) set.archived_at = existing.archived_at
    await updateLocation(tx, merchantId, id, set)
    await queueMerchantWalletUpdates(tx, merchantId, deps.clock.now())
  })
  return (await listLocations(deps, merchantId)).find((l) => l.id === id)!
}

const notFound = () => new DomainError('location_not_found', 'No such location in your business.')

/** Assigns a staff member to these locations (none: every location). Owners only (the route says so). */
export async function setStaffLocationsFor(
  deps: Deps,
  actor: Actor,
  staffId: string,
  locationIds: string[],
): Promise<string[]> {
  const ids = [...new Set(locationIds)]
  await writeTx(deps.db, async (tx) => {
    if (!(await staffMemberOf(tx, actor.merchantId, staffId))) {
      throw new DomainError('not_found', 'No staff member with this id.')
    }
    for (const id of ids) {
      const l = await locationOf(tx, actor.merchantId, id)
      if (!l || l.archived_at) {
        throw new DomainError('location_not_found', 'No such location in your business.', [
          { path: 'locationIds', message: `unknown location ${id}` },
        ])
      }
    }
    await setStaffLocations(tx, actor.merchantId, staffId, ids, deps.clock.now().toISOString())
  })
  return ids
}

/** The open locations a staff member may work at: those assigned, or every one when none (open) is. */
export async function workplacesOf(db: Db, merchantId: string, staffId: string | null): Promise<Location[]> {
  const open = (await locationsOf(db, merchantId)).filter((l) => !l.archived_at)
  if (!staffId) return open
  const assigned = new Set(await locationIdsOfStaff(db, staffId))
  const mine = open.filter((l) => assigned.has(l.id))
  // Assignments only to archived locations no longer say anything: every open one.
  return mine.length > 0 ? mine : open
}

/**
 * Where a till action happens. A business without locations: nowhere (null). Otherwise the location
 * asked for, if this person may work there; or, when none is asked for, the only one they may.
 */
export async function tillLocation(
  db: Db,
  who: { merchantId: string; staffId: string | null },
  requested: string | undefined,
): Promise<Location | null> {
  const allowed = await workplacesOf(db, who.merchantId, who.staffId)
  if (requested) {
    const found = await locationOf(db, who.merchantId, requested)
    if (!found || found.archived_at) {
      throw new DomainError('location_not_found', 'No such location in your business.', [
        { path: 'locationId', message: 'unknown location' },
      ])
    }
    if (!allowed.some((l) => l.id === found.id)) {
      throw new DomainError('location_not_allowed', `You are not assigned to ${found.name}. Ask an owner.`, [
        { path: 'locationId', message: 'not one of your locations' },
      ])
    }
    return found
  }
  if (allowed.length === 0) {
    // A business with locations, all archived, or none at all: nothing to record.
    return null
  }
  if (allowed.length === 1) return allowed[0]!
  throw new DomainError('location_required', 'Choose the location you are working at.', [
    { path: 'locationId', message: 'choose where you are' },
  ])
}
