// The event contract's JSON Schemas (docs/events/), compiled once with ajv: tests validate real
// emitted envelopes against them.
import fs from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import addFormatsImport from 'ajv-formats'
import { schemaFile } from '../../src/modules/events/contract.ts'

export const EVENTS_DIR = path.resolve(import.meta.dirname, '../../../docs/events')
const addFormats = addFormatsImport as unknown as (a: Ajv) => Ajv

export function eventValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  const files = fs.readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.json'))
  const ids = new Map<string, string>()
  for (const f of files) {
    const schema = JSON.parse(fs.readFileSync(path.join(EVENTS_DIR, f), 'utf8'))
    ajv.addSchema(schema)
    ids.set(f, schema.$id)
  }
  return {
    files,
    /** errors (empty when valid) of an envelope against its type's schema */
    validate<E extends { type: string; version: number }>(envelope: E): string[] {
      const id = ids.get(schemaFile(envelope.type, envelope.version))
      if (!id) return [`no schema file ${schemaFile(envelope.type, envelope.version)} for ${envelope.type}`]
      const v = ajv.getSchema(id)!
      return v(envelope) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
    },
  }
}
