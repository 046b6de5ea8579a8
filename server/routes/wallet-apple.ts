import { Hono } from 'hono'
import { AppleRegistration } from '../contract/wallet.js'
import type { AppEnv } from '../middleware/env.js'
import {
  latestPass,
  logFromDevices,
  registerDevice,
  unregisterDevice,
  updatedSerials,
} from '../services/wallet/apple-service.js'

/**
 * Apple's PassKit web service (webServiceURL = PUBLIC_URL + /api/wallet/apple). Apple fixes the paths
 * and answers, so this is a plain sub-app outside the OpenAPI document: bare statuses, Apple's bodies.
 */
export const appleWalletRoutes = new Hono<AppEnv>()
  .post('/wallet/apple/v1/devices/:device/registrations/:type/:serial', async (c) => {
    const body = AppleRegistration.safeParse(await c.req.json().catch(() => null))
    if (!body.success) return c.body(null, 400)
    const a = await registerDevice(c.var.deps, {
      deviceLibraryId: c.req.param('device'),
      passTypeId: c.req.param('type'),
      serial: c.req.param('serial'),
      authorization: c.req.header('authorization'),
      pushToken: body.data.pushToken,
    })
    return c.body(null, a.status)
  })
  .delete('/wallet/apple/v1/devices/:device/registrations/:type/:serial', async (c) => {
    const a = await unregisterDevice(c.var.deps, {
      deviceLibraryId: c.req.param('device'),
      passTypeId: c.req.param('type'),
      serial: c.req.param('serial'),
      authorization: c.req.header('authorization'),
    })
    return c.body(null, a.status)
  })
  .get('/wallet/apple/v1/devices/:device/registrations/:type', async (c) => {
    const a = await updatedSerials(c.var.deps, {
      deviceLibraryId: c.req.param('device'),
      passTypeId: c.req.param('type'),
      since: c.req.query('passesUpdatedSince'),
    })
    return a.body ? c.json(a.body, 200) : c.body(null, a.status)
  })
  .get('/wallet/apple/v1/passes/:type/:serial', async (c) => {
    const a = await latestPass(c.var.deps, {
      passTypeId: c.req.param('type'),
      serial: c.req.param('serial'),
      authorization: c.req.header('authorization'),
      ifModifiedSince: c.req.header('if-modified-since'),
    })
    if (!a.body) return c.body(null, a.status)
    c.header('Content-Type', 'application/vnd.apple.pkpass')
    c.header('Last-Modified', a.body.lastModified)
    c.header('Cache-Control', 'no-cache')
    return c.body(new Uint8Array(a.body.file), 200)
  })
  .post('/wallet/apple/v1/log', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { logs?: unknown } | null
    logFromDevices(body?.logs)
    return c.body(null, 200)
  })
