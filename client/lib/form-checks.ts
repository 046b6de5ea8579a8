/**
 * Checks for console forms that say no: an out-of-range or malformed value gets a message naming the
 * allowed range, by its field, and is never clamped or cut. The ranges are the server's
 * (server/contract/fields.ts), which refuses the same values with a 400 naming the field.
 */
type Translate = (key: string, named?: Record<string, unknown>) => string

/** '' (or null) -> null; a whole number -> it; anything else ("abc", 1.5, NaN) -> undefined. */
export function wholeOrEmpty(raw: string | number | null | undefined): number | null | undefined {
  if (raw === null || raw === undefined) return null
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined
  const s = raw.trim()
  if (s === '') return null
  return /^[+-]?\d{1,15}$/.test(s) ? Number(s) : undefined
}

/** The message for a whole number outside [min, max], or null when `value` is fine. */
export function checkWhole(
  t: Translate,
  locale: string,
  value: string | number | null | undefined,
  min: number,
  max: number,
  { optional = false } = {},
): string | null {
  const n = wholeOrEmpty(value)
  if (n === null && optional) return null
  if (n === null || n === undefined || n < min || n > max)
    return t(optional ? 'forms.wholeRangeOptional' : 'forms.wholeRange', {
      min: min.toLocaleString(locale),
      max: max.toLocaleString(locale),
    })
  return null
}

/** "Required." for empty text, the limit when it is too long (the field's count shows by how much). */
export function checkText(t: Translate, value: string, max: number, { optional = false } = {}): string | null {
  const n = value.trim().length
  if (n === 0 && !optional) return t('forms.required')
  if (n > max) return t('forms.tooLong', { max })
  return null
}
