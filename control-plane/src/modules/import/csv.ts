// A small RFC 4180 reader: comma-separated, fields optionally in double quotes ("" is a quote
// inside them; quoted fields may span lines), records ended by CRLF or LF, a UTF-8 BOM ignored.
// Returns each record with the line it started on, for error reports.

export class CsvError extends Error {}

export interface CsvRecord {
  line: number
  fields: string[]
}

export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const out: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let recordLine = 1
  let i = 0
  const endField = () => {
    fields.push(field)
    field = ''
  }
  const endRecord = () => {
    endField()
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: recordLine, fields })
    fields = []
  }
  while (i < src.length) {
    const c = src[i]
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (c === '"') quoted = false
      else {
        if (c === '\n') line++
        field += c
      }
      i++
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === ',') endField()
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++
      endRecord()
      line++
      recordLine = line
    } else field += c
    i++
  }
  if (quoted) throw new CsvError(`unterminated quoted field starting on line ${recordLine}`)
  if (field !== '' || fields.length) endRecord()
  return out
}

/** A data row as an object keyed by header, empty cells left out. */
export function rowObject(header: string[], fields: string[]): Record<string, string> {
  const o: Record<string, string> = {}
  header.forEach((h, i) => {
    const v = (fields[i] ?? '').trim()
    if (v !== '') o[h] = v
  })
  return o
}
