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

export const csvRow = (values: (string | number | null | undefined)[]): string => `${values.map(csvField).join(',')}\r\n`

/** Minor units as a decimal string with the currency's digits: 1250 EUR -> "12.50". */
export function formatMinor(minor: number, digits: number): string {
  if (digits === 0) return String(minor)
  const sign = minor < 0 ? '-' : ''
  const abs = Math.abs(minor)
  const unit = 10 ** digits
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`
}
