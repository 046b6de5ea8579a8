import { z } from 'zod'
import { Id } from '../contract/common.js'
import { LocationDto, LocationInput, StaffLocationsBody } from '../contract/locations.js'
import { requireStaff } from '../middleware/auth.js'
import {
  createLocation,
  listLocations,
  setStaffLocationsFor,
  updateLocationById,
} from '../services/locations/locations.js'
import { createRoute, E400, E401, E403, E404, json, jsonBody, router } from './openapi.js'

const owner = requireStaff('owner')
const ownerOrManager = requireStaff('owner', 'manager')
const IdParam = z.object({ id: Id })

/** A business's locations (owners edit them) and who works where. */
export const locationRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/locations',
      tags: ['merchant'],
      middleware: [ownerOrManager] as const,
      responses: {
        200: json(z.object({ locations: z.array(LocationDto) }), 'Every location, archived included'),
        ...E401,
        ...E403,
      },
    }),
    async (c) => c.json({ locations: await listLocations(c.var.deps, c.var.actor.merchantId) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/merchant/locations',
      tags: ['merchant'],
      middleware: [owner] as const,
      request: { body: jsonBody(LocationInput) },
      responses: { 201: json(LocationDto, 'The new location'), ...E400, ...E401, ...E403 },
    }),
    async (c) => c.json(await createLocation(c.var.deps, c.var.actor.merchantId, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/locations/{id}',
      tags: ['merchant'],
      summary: 'Edits a location; archived, it keeps its history but leaves the till',
      middleware: [owner] as const,
      request: { params: IdParam, body: jsonBody(LocationInput) },
      responses: { 200: json(LocationDto, 'Saved'), ...E400, ...E401, ...E403, ...E404 },
    }),
    async (c) =>
      c.json(
        await updateLocationById(c.var.deps, c.var.actor.merchantId, c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/merchant/staff/{id}/locations',
      tags: ['merchant'],
      summary: 'The locations a staff member works at (none: every location)',
      middleware: [owner] as const,
      request: { params: IdParam, body: jsonBody(StaffLocationsBody) },
      responses: {
        200: json(StaffLocationsBody, 'Saved'),
        ...E400,
        ...E401,
        ...E403,
        ...E404,
      },
    }),
    async (c) =>
      c.json(
        {
          locationIds: await setStaffLocationsFor(
            c.var.deps,
            c.var.actor,
            c.req.valid('param').id,
            c.req.valid('json').locationIds,
          ),
        },
        200,
      ),
  )
