import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

/**
 * npm run audit: `npm audit --omit=dev` read against the written policy (docs/security-and-privacy.md,
 * "Dependencies"). What ships (production dependencies) is judged; dev tools are not.
 * - high or critical advisory: the build fails, unless .ci/audit-allow.json lists it with a reason
 *   and a date it is allowed until (an entry past its date fails again);
 * - moderate or low: listed, the build passes;
 * - the advisory database cannot be asked (no network, a mirror without the audit endpoint): said
 *   loudly, the build passes, unless AUDIT_REQUIRED=1 (then it fails: no verdict is not a pass).
 */

export interface Advisory {
  id: string
  pkg: string
  severity: 'info' | 'low' | 'moderate' | 'high' | 'critical'
  title: string
  range: string
}
export interface Allowed {
  advisory: string
  reason: string
  until: string
}
export type Verdict =
  | { kind: 'unreachable'; why: string }
  | { kind: 'judged'; failing: Advisory[]; allowed: Advisory[]; reported: Advisory[]; expiredAllows: Allowed[] }

const FAILS = new Set(['high', 'critical'])

/** Every advisory in npm audit's JSON (report version 2), once each, by its GHSA id (or npm's number). */
export function advisoriesIn(report: unknown): Advisory[] | null {
  const vulns = (report as { vulnerabilities?: Record<string, { via?: unknown[] }> } | null)?.vulnerabilities
  if (!vulns || typeof vulns !== 'object') return null
  const found = new Map<string, Advisory>()
  for (const v of Object.values(vulns)) {
    for (const via of v.via ?? []) {
      // A string names another vulnerable package (this one is affected through it): counted there.
      if (!via || typeof via !== 'object') continue
      const a = via as {
        source?: number
        name?: string
        url?: string
        severity?: Advisory['severity']
        title?: string
        range?: string
      }
      const id = /GHSA-[\w-]+/.exec(a.url ?? '')?.[0] ?? String(a.source)
      found.set(id, {
        id,
        pkg: a.name ?? '?',
        severity: a.severity ?? 'high',
        title: a.title ?? '',
        range: a.range ?? '',
      })
    }
  }
  return [...found.values()]
}

export function auditVerdict(report: unknown, allow: Allowed[], today: string): Verdict {
  const advisories = advisoriesIn(report)
  if (!advisories) {
    const r = report as { message?: string; error?: { summary?: string } } | null
    return { kind: 'unreachable', why: r?.message ?? r?.error?.summary ?? 'no report' }
  }
  const valid = allow.filter((a) => a.until >= today)
  const expiredAllows = allow.filter((a) => a.until < today)
  const serious = advisories.filter((a) => FAILS.has(a.severity))
  return {
    kind: 'judged',
    failing: serious.filter((a) => !valid.some((v) => v.advisory === a.id)),
    allowed: serious.filter((a) => valid.some((v) => v.advisory === a.id)),
    reported: advisories.filter((a) => !FAILS.has(a.severity)),
    expiredAllows,
  }
}

function main(): number {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' })
  let report: unknown = null
  try {
    report = JSON.parse(run.stdout)
  } catch {
    report = { message: (run.stderr || run.error?.message || 'npm audit gave no JSON').trim().split('\n')[0] }
  }
  const allowFile = new URL('../../.ci/audit-allow.json', import.meta.url)
  const allow = fs.existsSync(allowFile) ? (JSON.parse(fs.readFileSync(allowFile, 'utf8')) as Allowed[]) : []
  const verdict = auditVerdict(report, allow, new Date().toISOString().slice(0, 10))
  const line = (a: Advisory) => `  ${a.severity.padEnd(8)} ${a.pkg} ${a.range}: ${a.title} (${a.id})`
  if (verdict.kind === 'unreachable') {
    console.warn(`*** npm audit NOT RUN: the advisory database could not be asked (${verdict.why}).`)
    if (process.env.AUDIT_REQUIRED === '1') return 1
    console.warn('*** Passing without a verdict; set AUDIT_REQUIRED=1 where the registry is reachable.')
    return 0
  }
  for (const a of verdict.reported) console.log(`reported ${line(a)}`)
  for (const a of verdict.allowed) console.log(`allowed  ${line(a)} (.ci/audit-allow.json)`)
  for (const a of verdict.expiredAllows) console.log(`expired allowance for ${a.advisory} (until ${a.until})`)
  for (const a of verdict.failing) console.error(`FAILING  ${line(a)}`)
  console.log(
    `npm audit --omit=dev: ${verdict.failing.length} failing, ${verdict.allowed.length} allowed, ${verdict.reported.length} reported`,
  )
  return verdict.failing.length ? 1 : 0
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main()
