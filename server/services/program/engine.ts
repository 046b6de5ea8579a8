import type { ProgramRules } from '../../contract/program.js'
import type { Db } from '../../db/connection.js'
import { merchantWithProgram } from '../../db/queries/merchants.js'
import type { Merchant } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'
import { rulesFromVersion } from '../../domain/program-rules.js'
import type { Actor } from '../common/deps.js'

export interface ProgramContext {
  merchant: Merchant
  version: number
  rules: ProgramRules
}

/**
 * Program versions are never changed once written (a change is a new version), so their parsed
 * rules are kept: every earn needs them, and validating the stored JSON each time cost about as
 * much as the SQL that read it. Frozen, since every caller shares them.
 */
const parsedRules = new Map<string, ProgramRules>()
const PARSED_RULES_KEPT = 1000

function rulesOf(merchantId: string, v: Parameters<typeof rulesFromVersion>[0] & { version: number }): ProgramRules {
  const key = `${merchantId}:${v.version}`
  let rules = parsedRules.get(key)
  if (!rules) {
    rules = deepFreeze(rulesFromVersion(v))
    if (parsedRules.size >= PARSED_RULES_KEPT) parsedRules.delete(parsedRules.keys().next().value!)
    parsedRules.set(key, rules)
  }
  return rules
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** The merchant and the rules in force at `now`. */
export async function programContext(tx: Db, merchantId: string, now: Date): Promise<ProgramContext> {
  return toProgramContext(await merchantWithProgram(tx, merchantId, now.toISOString()))
}

export const noProgram = (): never => {
  throw new DomainError('not_found', 'The merchant has no program set up.')
}

type ProgramRow = Merchant & { version: number } & Parameters<typeof rulesFromVersion>[0]

/** A context from a row of the merchant with its program version (see merchantWithProgram); none: no program. */
export function toProgramContext(row: ProgramRow | undefined): ProgramContext {
  if (!row) return noProgram()
  const { version, points_per_unit, unit_minor, rounding, rules, ...merchant } = row
  return { merchant, version, rules: rulesOf(merchant.id, { version, points_per_unit, unit_minor, rounding, rules }) }
}

export const systemActor = (merchantId: string): Actor => ({ merchantId, staffId: null, apiKeyId: null, role: 'pos' })
