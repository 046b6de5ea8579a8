import { z } from 'zod'
import { Id, TimeZone } from './common.js'
import { DayHours } from './reports.js'

/* A business's locations, the staff assigned to them, and what happened at each. */

// The generator drops .length(); the meta says it in the document (tests/api/contract-bounds.test.ts).
export const OpeningWeek = z.array(DayHours).length(7).meta({ minItems: 7, maxItems: 7 })
export const LocationRef = z.object({ id: z.string(), name: z.string() }).meta({ id: 'LocationRef' })
export type LocationRef = z.infer<typeof LocationRef>

export const LocationDto = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.string(),
    timezone: z.string(),
    /** Seven days, Monday first; null is none set (no off-hours alerts there). */
    openingHours: OpeningWeek.nullable(),
    /** Where it is (degrees): a wallet pass shows itself on the lock screen near it. */
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    archived: z.boolean(),
    staffIds: z.array(z.string()),
    createdAt: z.string(),
  })
  .meta({ id: 'Location' })
export type LocationDto = z.infer<typeof LocationDto>

export const LocationInput = z
  .object({
    name: z.string().trim().min(1, 'required').max(80),
    address: z.string().trim().max(200).default(''),
    timezone: TimeZone,
    openingHours: OpeningWeek.nullable().default(null),
    latitude: z.number().min(-90).max(90).nullable().default(null),
    longitude: z.number().min(-180).max(180).nullable().default(null),
    archived: z.boolean().default(false),
  })
  .refine((l) => (l.latitude === null) === (l.longitude === null), {
    message: 'give both latitude and longitude, or neither',
    path: ['longitude'],
  })
export type LocationInput = z.infer<typeof LocationInput>

export const StaffLocationsBody = z.object({ locationIds: z.array(Id).max(50) })

/** An optional ?locationId= on insights, alerts and exports. */
export const LocationFilter = z.object({ locationId: Id.optional() })

export const LocationActivity = z.object({
  /** null: what happened without a location (before locations existed, a member's own redemption, a POS without one). */
  location: LocationRef.nullable(),
  purchases: z.number().int(),
  spendMinor: z.number().int(),
  pointsAwarded: z.number().int(),
  redemptions: z.number().int(),
  stamps: z.number().int(),
  newMembers: z.number().int(),
})
export const LocationBreakdown = z
  .object({ since: z.string(), currency: z.string(), rows: z.array(LocationActivity) })
  .meta({ id: 'LocationBreakdown' })
export type LocationBreakdown = z.infer<typeof LocationBreakdown>
