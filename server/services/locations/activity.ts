import type { LocationBreakdown } from '../../contract/locations.js'
import {
  joinsByLocation,
  locationsOf,
  pointsByLocation,
  purchasesByLocation,
  redemptionsByLocation,
  stampsByLocation,
} from '../../db/queries/locations.js'
import { merchantLocale } from '../../db/queries/merchants.js'
import { DAY_MS } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'
import { toLocationRef } from './locations.js'

export const BREAKDOWN_DAYS = 30

/**
 * What happened at each location over the last 30 days: purchases (not reversed) and their spend,
 * points awarded at the till (net of undos), coupon redemptions, stamps and members who joined
 * through the location's links. A row without a location holds what happened nowhere in particular.
 */
export async function locationBreakdown(deps: Deps, merchantId: string): Promise<LocationBreakdown> {
  const since = new Date(deps.clock.now().getTime() - BREAKDOWN_DAYS * DAY_MS).toISOString()
  const db = deps.db
  const [locations, purchases, points, redemptions, stamps, joins, m] = await Promise.all([
    locationsOf(db, merchantId),
    purchasesByLocation(db, merchantId, since),
    pointsByLocation(db, merchantId, since),
    redemptionsByLocation(db, merchantId, since),
    stampsByLocation(db, merchantId, since),
    joinsByLocation(db, merchantId, since),
    merchantLocale(db, merchantId),
  ])
  const key = (id: string | null) => id ?? ''
  const index = <T extends { location_id: string | null }>(rows: T[]) =>
    new Map(rows.map((r) => [key(r.location_id), r]))
  const [p, pts, r, s, j] = [purchases, points, redemptions, stamps, joins].map(index) as Array<
    Map<string, { n: number | string | bigint; s?: number | string | bigint | null }>
  >
  const row = (id: string | null) => ({
    purchases: Number(p!.get(key(id))?.n ?? 0),
    spendMinor: Number(p!.get(key(id))?.s ?? 0),
    pointsAwarded: Number(pts!.get(key(id))?.s ?? 0),
    redemptions: Number(r!.get(key(id))?.n ?? 0),
    stamps: Number(s!.get(key(id))?.n ?? 0),
    newMembers: Number(j!.get(key(id))?.n ?? 0),
  })
  const rows: LocationBreakdown['rows'] = locations
    .filter((l) => !l.archived_at || [p, pts, r, s, j].some((x) => x!.has(l.id)))
    .map((l) => ({ location: toLocationRef(l), ...row(l.id) }))
  const nowhere = row(null)
  if (Object.values(nowhere).some((n) => n !== 0)) rows.push({ location: null, ...nowhere })
  return { since, currency: m?.currency ?? 'EUR', rows }
}
