import { z } from 'zod'

/*
 * Form fields that say no with the allowed range. Every way a value can miss (a wrong type, a fraction,
 * too small, too big) answers with the same sentence naming the range, so a console form can show it
 * by the field, and nothing is ever clamped or cut to fit.
 */

const fmt = (n: number) => n.toLocaleString('en-US')

/** A whole number from `min` to `max`. */
export function WholeNumber(min: number, max: number) {
  const m = `a whole number from ${fmt(min)} to ${fmt(max)}`
  return z.number({ error: m }).int(m).min(min, m).max(max, m)
}

/** A number from `min` to `max` with at most two decimals (multipliers). */
export function Decimal(min: number, max: number) {
  const m = `a number from ${fmt(min)} to ${fmt(max)} with at most two decimals`
  return z.number({ error: m }).min(min, m).max(max, m).multipleOf(0.01, m)
}

/** Text of `min` to `max` characters after trimming ("required" when empty and at least one is needed). */
export function Text(max: number, min = 1) {
  return z
    .string({ error: `text of at most ${fmt(max)} characters` })
    .trim()
    .min(min, min === 1 ? 'required' : `${fmt(min)} to ${fmt(max)} characters`)
    .max(max, min > 1 ? `${fmt(min)} to ${fmt(max)} characters` : `at most ${fmt(max)} characters`)
}
