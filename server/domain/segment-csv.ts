/**
 * CSV for spreadsheets (RFC 4180): CRLF line ends; a field with a comma, quote or line break is
 * quoted with its quotes doubled. A text field that a spreadsheet would run as a formula (it starts
 * with = + - @, a tab or a carriage return) is prefixed with an apostrophe (OWASP CSV injection).
 */
export type CsvValue = string | number | null

const FORMULA = /^[=+\-@\t\r]/

export function csvField(v: CsvValue): string {
  if (v === null) return ''
  let s = String(v)
  if (typeof v === 'string' && FORMULA.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(header: readonly string[], rows: readonly CsvValue[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/** Minor units as a decimal in the currency's usual digits (1250 EUR -> "12.50"). */
export function decimalOf(minor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  return (minor / 10 ** digits).toFixed(digits)
}
