// Bulk import: each CSV row becomes the same create input the JSON API takes, is checked against
// the same schema and goes through the same service, in its own transaction, so a bad row is
// reported and never stops the good ones.
import type { TSchema } from '@fastify/type-provider-typebox'
import { Value } from 'typebox/value'
import { BadRequest, isAppError } from '../../lib/errors.ts'
import { mapDbError } from '../../lib/prisma-errors.ts'
import type { RequestCtx } from '../provisioning/context.ts'
import type { ResourceService, Versioned } from '../provisioning/resource-routes.ts'
import { CsvError, parseCsv, rowObject } from './csv.ts'

export interface ImportKind {
  schema: TSchema
  required: string[]
  optional: string[]
  booleans?: string[]
  lists?: string[]
  service: ResourceService<Versioned, never, never, never>
}

export interface RowReport {
  row: number
  status: 'created' | 'error'
  id?: string
  error?: { code: string; message: string }
}

export interface ImportReport {
  rows: RowReport[]
  totals: { rows: number; created: number; errors: number }
}

const BOOL: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false }

/** Header check: the whole request is refused when it cannot be read as this kind of file. */
export function readFile(text: string, kind: ImportKind) {
  let records
  try {
    records = parseCsv(text)
  } catch (e) {
    if (e instanceof CsvError) throw BadRequest('invalid_csv', e.message)
    throw e
  }
  const [head, ...data] = records
  const header = head?.fields.map((h) => h.trim()) ?? []
  const known = [...kind.required, ...kind.optional]
  const missing = kind.required.filter((c) => !header.includes(c))
  const unknown = header.filter((c) => !known.includes(c))
  const dup = header.filter((c, i) => header.indexOf(c) !== i)
  if (missing.length || unknown.length || dup.length) {
    throw BadRequest('invalid_csv_header', `the header line must name columns among ${known.join(', ')} (required: ${kind.required.join(', ')})` +
      `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}${dup.length ? `; repeated: ${dup.join(', ')}` : ''}`, { missing, unknown, repeated: dup })
  }
  return { header, data }
}

function toInput(kind: ImportKind, cells: Record<string, string>, domainId: string): Record<string, unknown> {
  const input: Record<string, unknown> = { domainId, ...cells }
  for (const b of kind.booleans ?? []) if (b in cells) input[b] = BOOL[cells[b].toLowerCase()] ?? cells[b]
  for (const l of kind.lists ?? []) if (l in cells) input[l] = cells[l].split(/[;\s]+/).filter(Boolean)
  return input
}

function describeError(e: unknown): { code: string; message: string } {
  const known = isAppError(e) ? e : mapDbError(e)
  return known ? { code: known.code, message: known.message } : { code: 'internal_error', message: 'internal error on this row' }
}

export async function importRows(kind: ImportKind, text: string, domainId: string, ctx: RequestCtx): Promise<ImportReport> {
  const { header, data } = readFile(text, kind)
  const rows: RowReport[] = []
  for (const [i, rec] of data.entries()) {
    const row = i + 1
    const input = toInput(kind, rowObject(header, rec.fields), domainId)
    const problem = Value.Errors(kind.schema, input)[0]
    if (problem) {
      rows.push({ row, status: 'error', error: { code: 'invalid_row', message: `${problem.instancePath.slice(1) || 'row'}: ${problem.message}` } })
      continue
    }
    try {
      const created = await kind.service.create(input as never, ctx)
      rows.push({ row, status: 'created', id: created.id })
    } catch (e) {
      rows.push({ row, status: 'error', error: describeError(e) })
    }
  }
  const created = rows.filter((r) => r.status === 'created').length
  return { rows, totals: { rows: rows.length, created, errors: rows.length - created } }
}
