import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

/**
 * Checks a response the API gave against the OpenAPI document the same app serves: the operation
 * exists (or the answer is the 404 of an unknown path, or the 405 with `Allow` of a wrong method),
 * the status is documented for that operation, the content type is a documented one, and a JSON
 * body is valid against the documented schema. makeTestApp runs it on every response of the API
 * tier, on both backends, so the document cannot drift from what the server does.
 */
type Doc = {
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
}
type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')

export class ContractChecker {
  private ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  private compiled = new Map<string, ValidateFunction>()
  private base: string
  private templates: { path: string; re: RegExp; literals: number }[]

  constructor(private doc: Doc) {
    addFormats.default(this.ajv)
    this.ajv.addSchema(doc as object, 'openapi')
    this.base = (doc.servers?.[0]?.url ?? '').replace(/\/$/, '')
    this.templates = Object.keys(doc.paths).map((path) => {
      const parts = path.split('/')
      const re = new RegExp(
        `^${parts.map((p) => (/^\{.+\}$/.test(p) ? '[^/]+' : p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`,
      )
      return { path, re, literals: parts.filter((p) => p && !p.startsWith('{')).length }
    })
  }

  /** The document's path templates a request path matches, the most literal first (as a router picks). */
  private matching(path: string): string[] {
    return this.templates
      .filter((t) => t.re.test(path))
      .sort((a, b) => b.literals - a.literals)
      .map((t) => t.path)
  }

  private validator(pointer: string): ValidateFunction {
    let v = this.compiled.get(pointer)
    if (!v) {
      v = this.ajv.compile({ $ref: `openapi#${pointer}` })
      this.compiled.set(pointer, v)
    }
    return v
  }

  private errorShape(status: number, body: unknown): string | null {
    const v = this.validator('/components/schemas/Error')
    return v(body) ? null : `${status} body is not the Error schema: ${this.ajv.errorsText(v.errors)}`
  }

  /** What is wrong with this response, or null when it is what the document says. */
  check(method: string, url: string, res: { status: number; headers: Headers; text: string }): string | null {
    const u = new URL(url, 'http://localhost')
    if (!u.pathname.startsWith('/api/') || u.pathname === '/api/openapi.json') return null
    // Apple's pass web service speaks Apple's protocol (docs/wallet-passes.md), outside our document;
    // tests/api/wallet-apple.test.ts checks its answers as that protocol defines them.
    if (u.pathname.startsWith('/api/wallet/apple/')) return null
    const path = u.pathname.slice(this.base.length) || '/'
    const m = method.toLowerCase()
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
    const json = () => {
      try {
        return { ok: true as const, value: res.text ? (JSON.parse(res.text) as unknown) : null }
      } catch {
        return { ok: false as const, value: null }
      }
    }
    const where = `${method.toUpperCase()} ${u.pathname}`
    const templates = this.matching(path)
    if (templates.length === 0) {
      if (res.status !== 404) return `${where}: no such path in the document, yet answered ${res.status}`
      return this.errorShape(404, json().value)
    }
    const find = (x: string) => templates.find((t) => this.doc.paths[t]![x])
    const template = find(m) ?? (m === 'head' ? find('get') : undefined)
    if (!template) {
      const allowed = METHODS.filter((x) => find(x)).map((x) => x.toUpperCase())
      if (allowed.includes('GET')) allowed.push('HEAD')
      if (res.status !== 405) return `${where}: not a documented method of ${templates[0]}, yet answered ${res.status}`
      const allow = (res.headers.get('allow') ?? '').split(/,\s*/).filter(Boolean).sort()
      if (allow.join() !== allowed.sort().join())
        return `${where}: 405 with Allow "${allow.join(', ')}", not ${allowed}`
      return this.errorShape(405, json().value)
    }
    const item = this.doc.paths[template]!
    const op = (item[m] ?? item.get)!
    const documented = op.responses[String(res.status)] ?? op.responses.default
    if (!documented) {
      return `${where} (${template}): status ${res.status} is not documented (documented: ${Object.keys(op.responses).join(', ')}); body ${res.text.slice(0, 300)}`
    }
    const content = documented.content
    if (!content || Object.keys(content).length === 0) {
      return res.text ? `${where}: ${res.status} is documented without a body, yet has one` : null
    }
    if (m === 'head') return null
    const media = Object.keys(content).find((k) => k === type || (k.endsWith('/*') && type.startsWith(k.slice(0, -1))))
    if (!media)
      return `${where}: ${res.status} answered ${type || 'no content type'}, documented ${Object.keys(content)}`
    if (!/json$/.test(media) || content[media]?.schema === undefined) return null
    const body = json()
    if (!body.ok) return `${where}: ${res.status} says ${type} but the body is not JSON`
    const pointer = `/paths/${esc(template)}/${op === item[m] ? m : 'get'}/responses/${documented === op.responses.default ? 'default' : res.status}/content/${esc(media)}/schema`
    const v = this.validator(pointer)
    if (v(body.value)) return null
    return `${where} (${template}): ${res.status} body does not match the document: ${this.ajv.errorsText(v.errors)}; body ${res.text.slice(0, 300)}`
  }
}

const checkers = new Map<string, ContractChecker>()
/** One compiled checker per distinct document (every app of a run serves the same one). */
export function contractChecker(docText: string): ContractChecker {
  let c = checkers.get(docText)
  if (!c) {
    c = new ContractChecker(JSON.parse(docText) as Doc)
    checkers.set(docText, c)
  }
  return c
}
