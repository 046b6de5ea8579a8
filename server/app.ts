import { OpenAPIHono } from '@hono/zod-openapi'
import { randomUUID } from 'node:crypto'
import { loadSessions } from './middleware/auth.js'
import type { AppEnv } from './middleware/env.js'
import { compressJson } from './middleware/compress.js'
import { errorJson, onError } from './middleware/errors.js'
import { checkOrigin, closeAfterTooLarge, limitBody, limitPerMinute } from './middleware/security.js'
import { consoleRoutes, LOGO_UPLOAD_PATH } from './routes/console.js'
import { accountRoutes, signInRoutes } from './routes/account.js'
import { customerRoutes } from './routes/customer.js'
import { feedbackRoutes } from './routes/feedback.js'
import { healthRoutes } from './routes/health.js'
import { insightRoutes } from './routes/insights.js'
import { locationRoutes } from './routes/locations.js'
import { operatorRoutes } from './routes/operator.js'
import { platformRoutes } from './routes/platform.js'
import { reportRoutes } from './routes/reports.js'
import { merchantRoutes } from './routes/merchant.js'
import { allowedMethods, fixNullableRefs } from './routes/openapi.js'
import { posRoutes } from './routes/pos.js'
import { programRoutes } from './routes/program.js'
import { rewardRoutes } from './routes/rewards.js'
import { pushRoutes } from './routes/push.js'
import { setupRoutes } from './routes/setup.js'
import { staffRoutes } from './routes/staff.js'
import { webhookApiRoutes, webhookConsoleRoutes } from './routes/webhooks.js'
import { registerWebhookDocs } from './routes/webhooks-doc.js'
import { walletRoutes } from './routes/wallet.js'
import { appleWalletRoutes } from './routes/wallet-apple.js'
import type { Deps } from './services/common/deps.js'
import { serveClient } from './static.js'

/** Largest JSON body any route takes; the logo upload has its own limit (routes/console.ts). */
export const MAX_BODY_BYTES = 32 * 1024

function buildApi(deps: Deps) {
  const { rateLimits: r } = deps.config
  const api = new OpenAPIHono<AppEnv>()
  api.use('*', compressJson)
  api.use('*', async (c, next) => {
    c.set('deps', deps)
    c.set('requestId', randomUUID())
    await next()
  })
  const jsonLimit = limitBody(MAX_BODY_BYTES, (c) =>
    errorJson(c, 413, 'payload_too_large', 'The request body is too large.'),
  )
  // Routes with a body limit of their own (the logo upload) skip the JSON one.
  api.use('*', (c, next) => (c.req.path === `/api${LOGO_UPLOAD_PATH}` ? next() : jsonLimit(c, next)))
  api.use('*', checkOrigin(deps.config.origin))
  api.use('*', loadSessions)
  api.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', { type: 'http', scheme: 'bearer' })
  const routes = api
    .route('/', healthRoutes)
    .route('/', setupRoutes)
    .route('/', customerRoutes(limitPerMinute(deps, 'join', r.joinPerMinute)))
    .route(
      '/',
      staffRoutes({
        reset: limitPerMinute(deps, 'staff-reset', r.loginPerMinute),
        scan: limitPerMinute(deps, 'scan', r.scanPerMinute, (c) => `staff:${c.var.actor?.staffId ?? 'anon'}`),
      }),
    )
    .route('/', merchantRoutes)
    .route('/', posRoutes)
    .route('/', programRoutes)
    .route('/', rewardRoutes)
    .route('/', consoleRoutes(limitPerMinute(deps, 'invite', r.loginPerMinute)))
    .route('/', pushRoutes)
    .route('/', insightRoutes)
    .route('/', signInRoutes(limitPerMinute(deps, 'sign-in', r.loginPerMinute)))
    .route('/', accountRoutes)
    .route('/', reportRoutes)
    .route('/', feedbackRoutes)
    .route('/', platformRoutes(limitPerMinute(deps, 'business', r.joinPerMinute)))
    .route('/', locationRoutes)
    .route('/', operatorRoutes)
    .route('/', webhookConsoleRoutes)
    .route('/', webhookApiRoutes)
    .route('/', walletRoutes)
  // Apple's web service: Apple's paths and bare answers, outside the OpenAPI document and the client's types.
  api.route('/', appleWalletRoutes)
  registerWebhookDocs(api)
  const document = {
    openapi: '3.1.0',
    // Paths below are relative to this: without it, tools call /health and get the app's HTML.
    servers: [{ url: '/api', description: 'This server' }],
    info: {
      title: 'Loyalty Wallet API',
      version: '1.0.0',
      description:
        'Errors are `{ error: { code, message, details? } }`. Retryable writes take an `Idempotency-Key` header: the first answer is stored and replayed; the same key with another body is 409 idempotency_conflict.',
    },
  }
  let doc: unknown
  api.get('/openapi.json', (c) => c.json((doc ??= fixNullableRefs(api.getOpenAPI31Document(document)))))
  api.onError(onError)
  return routes
}

export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>()
  app.use('*', closeAfterTooLarge)
  if (deps.config.logRequests) {
    app.use('*', async (c, next) => {
      const t = performance.now()
      await next()
      console.log(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - t).toFixed(1)}ms`)
    })
  }
  const api = buildApi(deps)
  const root = app.route('/api', api)
  const methodsOf = allowedMethods(api)
  app.onError(onError)
  app.notFound((c) => {
    if (!(c.req.path.startsWith('/api/') || c.req.path === '/api')) return c.text('Not found', 404)
    // A path that exists with other methods: 405 with Allow, so a client learns what it can do there.
    const allowed = methodsOf(c.req.path.slice('/api'.length))
    if (allowed.length === 0) return errorJson(c, 404, 'not_found', `No API route ${c.req.method} ${c.req.path}.`)
    c.header('Allow', allowed.join(', '))
    return errorJson(c, 405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${allowed.join(' or ')}.`)
  })
  serveClient(app, deps.config.distDir)
  return root
}

export type AppType = ReturnType<typeof createApp>
