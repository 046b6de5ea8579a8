import { ProgramRules, type ProgramRulesInput } from '../contract/program.js'

/** A program version's rules; versions made before the engine existed earn by their columns only. */
export function rulesFromVersion(v: {
  points_per_unit: number
  unit_minor: number
  rounding: 'floor' | 'round' | 'ceil'
  rules: string | null
}): ProgramRules {
  let stored: Partial<ProgramRulesInput> = {}
  if (v.rules) {
    try {
      stored = JSON.parse(v.rules) as Partial<ProgramRulesInput>
    } catch {
      stored = {}
    }
  }
  const parsed = ProgramRules.safeParse({
    ...stored,
    pointsPerUnit: v.points_per_unit,
    unitMinor: v.unit_minor,
    rounding: v.rounding,
  })
  return parsed.success
    ? parsed.data
    : ProgramRules.parse({ pointsPerUnit: v.points_per_unit, unitMinor: v.unit_minor, rounding: v.rounding })
}

export const defaultRules = (over: Partial<ProgramRulesInput> = {}): ProgramRules =>
  ProgramRules.parse({ pointsPerUnit: 1, unitMinor: 100, ...over })
