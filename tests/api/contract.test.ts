import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff, joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

/**
 * The OpenAPI document against the server, operation by operation: every path and method is called
 * with nonsense (unknown ids, empty bodies, no query) by a stranger, a member, a cashier and an
 * owner, and with a method it does not take. makeTestApp checks each answer against the document
 * (helpers/contract.ts), so a status a route can give but does not document fails here, whether or
 * not a behaviour test happens to reach it.
 */
let t: TestApp
type Op = {
  responses: Record<string, unknown>
  requestBody?: { content: Record<string, { schema: Schema }> }
  parameters?: { in: string; name: string; required?: boolean; schema: Schema }[]
}
let doc: { servers: { url: string }[]; paths: Record<string, Record<string, Op>> }
const who: Record<string, TestClient> = {}

beforeAll(async () => {
  t = await makeTestApp()
  doc = (await t.client().get('/api/openapi.json')).body
  const m = await merchantWithOwner(t)
  who.stranger = t.client()
  who.member = (await joinedCustomer(t, m.slug)).client
  who.cashier = await addStaff(t, m.merchantId, 'cashier')
  who.owner = m.owner
})
afterAll(() => t.close())

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => ({ path, method })))
// Calls that would end the session the next probes rely on, or change the account they use.
const SPARED = /logout|\/me\/delete|sign-out|\/devices\//
const concrete = (path: string) => `/api${path.replace(/\{[^}]+\}/g, 'no-such-id')}`

type Schema = {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  minItems?: number
  anyOf?: Schema[]
  oneOf?: Schema[]
  enum?: unknown[]
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  exclusiveMinimum?: number
}
const CANDIDATES = ['probe', '2026-03-01', '#123456', 'EUR', 'probe-slug', '12:00', 'ABCD2345', 'Europe/Warsaw', '1']
const FORMATS: Record<string, string> = {
  email: 'probe@example.test',
  'date-time': '2026-03-01T12:00:00.000Z',
  date: '2026-03-01',
  uri: 'https://example.test/probe',
  uuid: '00000000-0000-4000-8000-000000000000',
}

/** A value the schema accepts, as far as a few rules of thumb get (a miss is a documented 400 anyway). */
function sample(s: Schema | undefined, depth = 0): unknown {
  if (!s || depth > 8) return null
  if (s.$ref) return sample((doc as any).components.schemas[s.$ref.split('/').pop()!], depth + 1)
  if (s.enum) return s.enum[0]
  if (s.anyOf || s.oneOf) return sample((s.anyOf ?? s.oneOf)![0], depth + 1)
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type
  switch (type) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k], depth + 1)]))
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items, depth + 1))
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 0, (s.exclusiveMinimum ?? 0) + 1)
    case 'boolean':
      return false
    case 'string': {
      if (s.format && FORMATS[s.format]) return FORMATS[s.format]
      const fits = (v: string) =>
        (!s.pattern || new RegExp(s.pattern, 'u').test(v)) &&
        v.length >= (s.minLength ?? 0) &&
        v.length <= (s.maxLength ?? 1e9)
      return CANDIDATES.find(fits) ?? 'x'.repeat(Math.max(1, s.minLength ?? 1))
    }
    default:
      return null
  }
}

describe('the OpenAPI document', () => {
  it('names its server, so tools call /api/health and not the app page', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/api' })])
  })

  it('documents the error shape for every 4xx and 5xx of every operation', () => {
    const off: string[] = []
    for (const { path, method } of operations()) {
      const responses = doc.paths[path]![method]!.responses as Record<string, { content?: Record<string, unknown> }>
      if (!responses['500']) off.push(`${method} ${path} 500`)
      for (const [status, r] of Object.entries(responses)) {
        if (Number(status) >= 400 && !JSON.stringify(r.content).includes('#/components/schemas/Error')) {
          off.push(`${method} ${path} ${status}`)
        }
      }
    }
    expect(off).toEqual([])
  })

  it('describes every answer to nonsense from a stranger, a member, a cashier and an owner', async () => {
    let calls = 0
    for (const [role, shape] of [
      ['stranger', 'empty'],
      ['member', 'empty'],
      ['cashier', 'empty'],
      ['owner', 'empty'],
      ['member', 'plausible'],
      ['cashier', 'plausible'],
      ['owner', 'plausible'],
    ] as const) {
      for (const { path, method } of operations()) {
        if (role !== 'stranger' && SPARED.test(path)) continue
        const op = doc.paths[path]![method]!
        const json = op.requestBody?.content['application/json']
        const body = !op.requestBody ? undefined : shape === 'empty' || !json ? {} : sample(json.schema)
        const query = (op.parameters ?? [])
          .filter((p) => p.in === 'query' && (p.required || shape === 'plausible'))
          .map((p) => `${p.name}=${encodeURIComponent(String(sample(p.schema)))}`)
          .join('&')
        // A failure here is thrown by the contract check with the operation, the status and the body.
        const url = concrete(path) + (query ? `?${query}` : '')
        const r = await who[role]!.req(method.toUpperCase(), url, body, { 'idempotency-key': `probe-${calls}` })
        if (process.env.PROBE_LOG) console.log(`PROBE ${role} ${method} ${path} ${r.status}`)
        calls++
      }
    }
    expect(calls).toBeGreaterThan(500)
  })

  it('answers a method a path does not take with 405 and the methods it does take', async () => {
    for (const path of Object.keys(doc.paths)) {
      const taken = Object.keys(doc.paths[path]!)
      const wrong = ['put', 'patch', 'delete', 'post'].find((m) => !taken.includes(m))!
      const res = await who.owner!.req(wrong.toUpperCase(), concrete(path), wrong === 'delete' ? undefined : {})
      expect(res.status, `${wrong} ${path}`).toBe(405)
      expect(res.body.error.code).toBe('method_not_allowed')
    }
    const res = await t.client().req('DELETE', '/api/staff/login')
    expect(res.headers.get('allow')).toBe('POST')
    const get = await t.client().req('PUT', '/api/health', {})
    expect(get.headers.get('allow')).toBe('GET, HEAD')
  })
})
