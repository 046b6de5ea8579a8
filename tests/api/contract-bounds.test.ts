import { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The bounds and formats the document states are the ones the server enforces: each route's zod
 * schemas (what validates requests and shapes answers) are turned into JSON Schema by zod itself and
 * compared, keyword by keyword, with what the OpenAPI generator wrote. The generator drops some
 * (an array's exact length, for one); a difference fails here until the document says it.
 */
type S = Record<string, any>
const KEYWORDS = [
  'type',
  'format',
  'pattern',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'required',
] as const

let t: TestApp
let doc: S
beforeAll(async () => {
  t = await makeTestApp()
  doc = (await t.client().get('/api/openapi.json')).body
})
afterAll(() => t.close())

/** Resolves references and says nullability one way (the generator and zod say it differently). */
function plain(s: S | undefined, defs: S): S {
  if (!s) return {}
  if (s.$ref) return plain(defs[s.$ref.split('/').pop()!], defs)
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) {
    const rest = alternatives.filter((a: S) => a.type !== 'null')
    if (rest.length === 1 && rest.length < alternatives.length) return { ...plain(rest[0], defs), nullable: true }
  }
  if (s.allOf) return Object.assign({}, ...s.allOf.map((a: S) => plain(a, defs)))
  if (Array.isArray(s.type) && s.type.includes('null')) {
    const type = s.type.filter((x: string) => x !== 'null')
    // A nullable enum lists null among its values too (or null would not validate): the same enum.
    const values = Array.isArray(s.enum) ? { enum: s.enum.filter((v: unknown) => v !== null) } : {}
    return { ...s, ...values, type: type.length === 1 ? type[0] : type, nullable: true }
  }
  return s
}

function compare(server: S, document: S, at: string, out: string[], depth = 0): void {
  if (depth > 12) return
  const a = plain(server, server.$defs ?? {})
  const b = plain(document, doc.components.schemas)
  for (const k of KEYWORDS) {
    // z.int() says "a safe integer" with these two; the generator says integer: the same thing.
    if ((k === 'minimum' || k === 'maximum') && Math.abs(a[k]) === Number.MAX_SAFE_INTEGER) continue
    // A literal: const to zod, a one-value enum to the generator; a record's keys: the generator lists none.
    if (k === 'const' && JSON.stringify(b.enum) === JSON.stringify([a.const])) continue
    if (k === 'required' && !b.properties && (b.additionalProperties || b.propertyNames)) continue
    // zod spells date-time out as a pattern beside the format.
    if (k === 'pattern' && a.format && b.format === a.format) continue
    const norm = (v: unknown) => JSON.stringify(Array.isArray(v) && k === 'required' ? [...v].sort() : v)
    if (a[k] !== undefined && norm(a[k]) !== norm(b[k]))
      out.push(`${at}: ${k} is ${norm(a[k])}, documented ${norm(b[k])}`)
  }
  if (a.nullable && !b.nullable) out.push(`${at}: may be null, documented not`)
  for (const [key, sub] of Object.entries((a.properties ?? {}) as S)) {
    if (!b.properties?.[key]) out.push(`${at}.${key}: not documented`)
    else compare({ ...sub, $defs: server.$defs }, b.properties[key], `${at}.${key}`, out, depth + 1)
  }
  if (a.items && b.items) compare({ ...a.items, $defs: server.$defs }, b.items, `${at}[]`, out, depth + 1)
}

const IN = { query: 'query', params: 'path', headers: 'header' } as const
const native = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as S

describe('the bounds and formats in the document', () => {
  it('are those the server enforces, for every request and answer', () => {
    const out: string[] = []
    const routes = (t.app.openAPIRegistry.definitions as S[]).filter((d) => d.type === 'route')
    expect(routes.length).toBeGreaterThan(90)
    for (const { route } of routes) {
      const path = route.path.replace(/^\/api/, '')
      const op = doc.paths[path]?.[route.method]
      const name = `${route.method.toUpperCase()} ${path}`
      if (!op) {
        out.push(`${name}: not in the document`)
        continue
      }
      const body = route.request?.body?.content?.['application/json']?.schema
      if (body) compare(native(body, 'input'), op.requestBody.content['application/json'].schema, `${name} body`, out)
      for (const where of ['query', 'params', 'headers'] as const) {
        const schema = route.request?.[where] as z.ZodObject | undefined
        if (!schema) continue
        const json = native(schema, 'input')
        for (const [key, sub] of Object.entries(json.properties as S)) {
          const p = (op.parameters as S[]).find((x) => x.name === key && x.in === IN[where])
          if (!p) out.push(`${name} ${where}.${key}: not documented`)
          else {
            compare({ ...sub, $defs: json.$defs }, p.schema, `${name} ${where}.${key}`, out)
            if (json.required?.includes(key) && !p.required)
              out.push(`${name} ${where}.${key}: required, documented optional`)
          }
        }
      }
      for (const [status, r] of Object.entries(route.responses as S)) {
        const schema = r.content?.['application/json']?.schema
        // Answers are not parsed on the way out, so a default is not filled in: compare the input side.
        if (schema)
          compare(
            native(schema, 'input'),
            op.responses[status].content['application/json'].schema,
            `${name} ${status}`,
            out,
          )
      }
    }
    expect(out).toEqual([])
  })
})
