#!/usr/bin/env node
// switchboard: the operator's command line. Each command lives in its own module.
import { renderCommand, checkCommand } from './render.ts'
import { importCommand } from './import.ts'
import { explainCommand } from './explain.ts'
import { apiKeyCommand, migrateCommand } from './admin.ts'
import { seedDemoCommand } from './seed-demo.ts'
import { ConfigError } from '../config/config.ts'

const USAGE = `usage: switchboard <command>
  render [--out DIR] [--context FILE.json]   render kamailio.cfg and rtpengine.conf
  check  [--context FILE.json]               render to a temp dir and run kamailio -c on it
  migrate                                    apply database migrations
  api-key create --name N [--role R]         create a machine API key (printed once)
  seed-demo [--url U] [--api-key K]          provision the demo domain, extensions 1001/1002 and trunks
  import users|numbers --domain D --file F   bulk import from CSV with a per-row report
  route explain --from A --to B              explain the routing decision for a call`

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv
  switch (cmd) {
    case 'render': return renderCommand(rest)
    case 'check': return checkCommand(rest)
    case 'migrate': return migrateCommand()
    case 'api-key': return apiKeyCommand(rest)
    case 'seed-demo': return seedDemoCommand(rest)
    case 'import': return importCommand(rest)
    case 'route':
      if (rest[0] === 'explain') return explainCommand(rest.slice(1))
      break
  }
  process.stderr.write(`${USAGE}\n`)
  return 2
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(err instanceof ConfigError ? `configuration error: ${err.message}\n` : `switchboard: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  },
)
