import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { auditVerdict } from '../../server/tools/audit.js'

/** The dependency policy (docs/security-and-privacy.md#dependencies) on npm audit's own JSON shapes. */
const advisory = (ghsa: string, name: string, severity: string, range = '<1.0.0') => ({
  source: 1,
  name,
  dependency: name,
  title: `a ${severity} problem in ${name}`,
  url: `https://github.com/advisories/${ghsa}`,
  severity,
  range,
})
const report = (...vias: Array<ReturnType<typeof advisory>>) => ({
  auditReportVersion: 2,
  vulnerabilities: {
    ...Object.fromEntries(vias.map((v) => [v.name, { name: v.name, severity: v.severity, via: [v] }])),
    // A package affected only through another: npm lists the other by name.
    wrapper: { name: 'wrapper', severity: 'high', via: vias.map((v) => v.name) },
  },
  metadata: { vulnerabilities: {} },
})

describe('the npm audit policy', () => {
  it('fails on a high or critical advisory in a production dependency, and reports the rest', () => {
    const v = auditVerdict(
      report(advisory('GHSA-aaaa-bbbb-cccc', 'a', 'critical'), advisory('GHSA-dddd-eeee-ffff', 'b', 'moderate')),
      [],
      '2026-12-07',
    )
    expect(v).toMatchObject({
      kind: 'judged',
      failing: [{ id: 'GHSA-aaaa-bbbb-cccc', pkg: 'a' }],
      reported: [{ id: 'GHSA-dddd-eeee-ffff', severity: 'moderate' }],
    })
  })

  it('lets an advisory allowed with a reason pass until its date, and fail after it', () => {
    const r = report(advisory('GHSA-aaaa-bbbb-cccc', 'a', 'high'))
    const allow = [{ advisory: 'GHSA-aaaa-bbbb-cccc', reason: 'not reachable: we never call it', until: '2026-12-31' }]
    expect(auditVerdict(r, allow, '2026-12-31')).toMatchObject({
      failing: [],
      allowed: [{ id: 'GHSA-aaaa-bbbb-cccc' }],
    })
    expect(auditVerdict(r, allow, '2027-01-01')).toMatchObject({
      failing: [{ id: 'GHSA-aaaa-bbbb-cccc' }],
      expiredAllows: allow,
    })
  })

  it('passes a clean report', () => {
    expect(auditVerdict({ auditReportVersion: 2, vulnerabilities: {} }, [], '2026-12-07')).toEqual({
      kind: 'judged',
      failing: [],
      allowed: [],
      reported: [],
      expiredAllows: [],
    })
  })

  it('says the database could not be asked when npm answers with an error instead of a report', () => {
    const offline = {
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
    }
    expect(auditVerdict(offline, [], '2026-12-07')).toEqual({ kind: 'unreachable', why: offline.message })
    expect(auditVerdict(null, [], '2026-12-07').kind).toBe('unreachable')
  })

  it('has an allow list whose every entry gives a reason and an end date', () => {
    const allow = JSON.parse(fs.readFileSync('.ci/audit-allow.json', 'utf8')) as Array<Record<string, string>>
    for (const a of allow) {
      expect(a.advisory).toMatch(/^GHSA-/)
      expect(a.reason?.length).toBeGreaterThan(10)
      expect(a.until).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    }
  })
})

/**
 * Advisories in the parts of Hono we rely on (request body limits, cookies, serving files), checked
 * against the installed versions: each must be at or past the version that fixed it. Offline, unlike
 * npm audit; a downgrade fails here.
 */
const FIXED: Array<[pkg: string, fixedIn: string, advisories: string]> = [
  ['hono', '4.12.16', 'GHSA-9vqf-7f2p-gf9v bodyLimit bypassed by chunked or unknown-length bodies'],
  ['hono', '4.12.25', 'GHSA-rv63-4mwf-qqc2 bodyLimit bypassed by an understated Content-Length (Lambda)'],
  ['hono', '4.12.12', 'GHSA-26pp-8wgv-hjvm setCookie cookie names; GHSA-r5rp-j6wh-rvv4 getCookie name prefix'],
  ['hono', '4.12.21', 'GHSA-3hrh-pfw6-9m5x cookie sameSite/priority Set-Cookie injection'],
  ['hono', '4.13.5', 'GHSA-gqvv-2mrq-wpjv, GHSA-g6gw-c38x-mqfc, GHSA-crvj-82cr-hjcx'],
  ['@hono/node-server', '1.19.15', 'GHSA-92pp-h63x-v22m, GHSA-frvp-7c67-39w9 serveStatic'],
]
const parts = (v: string) => v.split('-')[0]!.split('.').map(Number)
const atLeast = (v: string, min: string) => {
  const [a, b] = [parts(v), parts(min)]
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!
  return true
}

describe('Hono versions with known advisories', () => {
  it.each(FIXED)('%s is at least %s (%s)', (pkg, fixedIn) => {
    const installed = (JSON.parse(fs.readFileSync(`node_modules/${pkg}/package.json`, 'utf8')) as { version: string })
      .version
    expect(atLeast(installed, fixedIn), `${pkg} ${installed}`).toBe(true)
  })
})
