// CSV for the CDR export (RFC 4180: CRLF, fields with a comma, quote or line break are quoted and
// their quotes doubled). A cell that a spreadsheet would run as a formula (=, +, -, @ first) is
// prefixed with a quote (OWASP "CSV injection"), except plain phone numbers like +33123456789,
// which are the common case here and harmless.
import type { Cdr } from '../../generated/prisma/client.ts'
import { CSV_COLUMNS } from './cdr.schemas.ts'

const PHONE = /^\+?[0-9]+$/

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let s = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join(' ') : String(value)
  if (/^[=+\-@\t\r]/.test(s) && !PHONE.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const csvHeader = () => `${CSV_COLUMNS.join(',')}\r\n`

export const csvRow = (cdr: Cdr) => `${CSV_COLUMNS.map((c) => csvCell(cdr[c])).join(',')}\r\n`

/** The whole export as a stream of text chunks, one per database batch. */
export async function* csvChunks(batches: AsyncIterable<Cdr[]>): AsyncGenerator<string> {
  yield csvHeader()
  for await (const rows of batches) yield rows.map(csvRow).join('')
}
