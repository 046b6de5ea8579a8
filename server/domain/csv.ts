/*
 * CSV as RFC 4180 has it (comma, CRLF, fields with comma, quote, CR or LF quoted and quotes doubled),
 * with the spreadsheet formula-injection guard: a text value starting with = + - @ tab or CR gets a
 * leading ' so Excel, LibreOffice and Sheets show it instead of running it.
 */

const FORMULA_START = /^[=+\-@\t\r]/

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  // Numbers we write ourselves (points, -40) are data, not formulas.
  let s = typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`
  return s
}

export const csvRow = (values: (string | number | null | undefined)[]): string =>
  `${values.map(csvField).join(',')}\r\n`

/** Minor units as a decimal string with the currency's digits: 1250 EUR -> "12.50". */
export function formatMinor(minor: number, digits: number): string {
  if (digits === 0) return String(minor)
  const sign = minor < 0 ? '-' : ''
  const abs = Math.abs(minor)
  const unit = 10 ** digits
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`
}

/** A whole file: the header row naming the columns, then the rows. */
export const toCsv = (header: readonly string[], rows: readonly (string | number | null)[][]): string =>
  [header, ...rows].map((r) => csvRow([...r])).join('')

/** Minor units as a decimal in the currency's usual digits (1250 EUR -> "12.50", 1250 JPY -> "1250"). */
export function decimalOf(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  return formatMinor(minor, digits)
}
