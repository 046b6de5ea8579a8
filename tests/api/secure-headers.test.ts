import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY } from '../../server/middleware/headers.js'
import { serveOverHttp } from '../helpers/net.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The secure headers are set on Node's response, not by a middleware: so they are checked over a
 * real socket, on answers of every kind, each header once and with its value.
 */
let t: TestApp
let server: Awaited<ReturnType<typeof serveOverHttp>>
let base: string
beforeAll(async () => {
  t = await makeTestApp()
  server = await serveOverHttp(t.app.fetch)
  base = server.base
})
afterAll(async () => {
  await server.close()
  await t.close()
})

const expected = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'permissions-policy': PERMISSIONS_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
}

describe('secure headers over HTTP', () => {
  const answers: [string, string, Record<string, string>, number | null, string?][] = [
    ['a JSON answer', '/api/health', {}, 200],
    ['a compressed JSON answer', '/api/openapi.json', { 'accept-encoding': 'br' }, 200],
    ['an API 404', '/api/no-such-route', {}, 404],
    ['a 405', '/api/health', {}, 405, 'DELETE'],
    // The app's HTML when the client is built (npm test builds it first), else a plain 404.
    ['a page', '/join/demo', {}, null],
  ]
  it.each(answers)('are on %s, each once', async (_, path, headers, status, method = 'GET') => {
    const res = await fetch(base + path, { method, headers })
    if (status !== null) expect(res.status).toBe(status)
    else expect([200, 404]).toContain(res.status)
    for (const [name, value] of Object.entries(expected)) expect(res.headers.get(name), name).toBe(value)
    if (path === '/api/openapi.json') expect(res.headers.get('content-encoding')).toBe('br')
    await res.arrayBuffer()
  })

  it('are on a refusal that closes the connection', async () => {
    const res = await fetch(`${base}/api/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(64 * 1024) }),
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('connection')).toBe('close')
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })
})
