// `switchboard import users|numbers --domain <name> --file <x.csv>`: sends the file to a running
// control plane over its HTTP API (POST /api/v1/import/<kind>) in batches, so the rows go through
// the same validation, audit and routing invalidation as any API write, and the CLI needs no
// database access. Prints progress ("123/1000 rows, 3 errors") and every refused row.
// Exit status: 0 all rows created, 1 some rows refused or the import failed, 2 usage error.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { parseCsv } from '../modules/import/csv.ts'

export interface CliIo {
  out: (line: string) => void
  err: (line: string) => void
  env: Record<string, string | undefined>
}

const USAGE = `usage: switchboard import users|numbers --domain <name> --file <file.csv>
         [--url http://127.0.0.1:8080] [--api-key <key> | SWITCHBOARD_API_KEY] [--batch-size 200]`

const defaultIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env }

function csvLine(fields: string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')
}

interface RowReport {
  row: number
  status: 'created' | 'error'
  error?: { code: string; message: string }
}

export async function importCommand(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { domain: { type: 'string' }, file: { type: 'string' }, url: { type: 'string' }, 'api-key': { type: 'string' }, 'batch-size': { type: 'string' } },
    })
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`)
    return 2
  }
  const [kind] = args.positionals
  const { domain, file } = args.values
  const url = (args.values.url ?? io.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '')
  const apiKey = args.values['api-key'] ?? io.env.SWITCHBOARD_API_KEY
  const batchSize = Number(args.values['batch-size'] ?? 200)
  if ((kind !== 'users' && kind !== 'numbers') || !domain || !file || !Number.isInteger(batchSize) || batchSize < 1) {
    io.err(USAGE)
    return 2
  }
  if (!apiKey) {
    io.err('an API key is needed: --api-key or SWITCHBOARD_API_KEY')
    return 2
  }
  const headers = { authorization: `Bearer ${apiKey}` }

  let records
  try {
    records = parseCsv(fs.readFileSync(file, 'utf8'))
  } catch (e) {
    io.err(`cannot read ${file}: ${(e as Error).message}`)
    return 1
  }
  const [header, ...rows] = records
  if (!header) {
    io.err(`${file} is empty`)
    return 1
  }

  try {
    const found = await fetch(`${url}/api/v1/domains?name=${encodeURIComponent(domain.toLowerCase())}&limit=500`, { headers })
    if (!found.ok) throw new Error(`looking up the domain: HTTP ${found.status} ${(await found.json().catch(() => ({})))?.error?.message ?? ''}`)
    const match = ((await found.json()).items as Array<{ id: string; name: string }>).find((d) => d.name === domain.toLowerCase())
    if (!match) {
      io.err(`no domain named ${domain}`)
      return 1
    }

    let done = 0
    let errors = 0
    for (let start = 0; start < rows.length || (start === 0 && rows.length === 0); start += batchSize) {
      const batch = rows.slice(start, start + batchSize)
      const body = [header, ...batch].map((r) => csvLine(r.fields)).join('\r\n') + '\r\n'
      const res = await fetch(`${url}/api/v1/import/${kind}?domainId=${match.id}`, { method: 'POST', headers: { ...headers, 'content-type': 'text/csv' }, body })
      const answer = await res.json().catch(() => ({}))
      if (!res.ok) {
        io.err(`import refused: HTTP ${res.status} ${answer?.error?.code ?? ''} ${answer?.error?.message ?? ''}`.trim())
        return 1
      }
      for (const r of answer.rows as RowReport[]) {
        if (r.status === 'error') {
          errors++
          io.err(`row ${start + r.row} (line ${batch[r.row - 1].line}): ${r.error?.code}: ${r.error?.message}`)
        }
      }
      done += batch.length
      io.out(`${done}/${rows.length} rows, ${errors} error${errors === 1 ? '' : 's'}`)
      if (rows.length === 0) break
    }
    return errors ? 1 : 0
  } catch (e) {
    io.err(`import failed: ${(e as Error).message}`)
    return 1
  }
}
