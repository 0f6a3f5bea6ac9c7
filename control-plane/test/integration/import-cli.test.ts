import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildTestApp } from '../support/app.ts'
import { api } from '../support/provisioning.ts'
import { importCommand } from '../../src/cli/import.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
await fx.domain('cli.example')
const address = await h.app.listen({ host: '127.0.0.1', port: 0 })
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-import-'))
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))

const run = async (argv: string[], env: Record<string, string> = {}) => {
  const out: string[] = []
  const err: string[] = []
  const code = await importCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env })
  return { code, out, err }
}

t.test('posts the file in batches and reports progress and refused rows', async (t) => {
  const file = path.join(dir, 'users.csv')
  fs.writeFileSync(file, 'extension,password,displayName\n' + ['3001', '3002', '3003', '3004', '3005'].map((e) => `${e},${e === '3003' ? 'short' : 'long-enough-secret'},"User, ${e}"`).join('\n') + '\n')
  const r = await run(['users', '--domain', 'CLI.example', '--file', file, '--url', address, '--batch-size', '2'], { SWITCHBOARD_API_KEY: h.keys.OPERATOR })
  t.equal(r.code, 1, 'a refused row makes the exit status 1')
  t.same(r.out, ['2/5 rows, 0 errors', '4/5 rows, 1 error', '5/5 rows, 1 error'])
  t.match(r.err.join('\n'), /row 3 \(line 4\): weak_password/)
  t.equal(await h.database.prisma.user.count(), 4)
  t.equal((await h.database.prisma.user.findFirstOrThrow({ where: { extension: '3005' } })).displayName, 'User, 3005', 'quoting survives re-batching')
})

t.test('usage, credentials, unknown domain, wrong header', async (t) => {
  t.equal((await run(['trunks', '--domain', 'x', '--file', 'y'])).code, 2)
  t.equal((await run(['users', '--domain', 'cli.example', '--file', 'y', '--url', address])).code, 2, 'no API key')
  const file = path.join(dir, 'numbers.csv')
  fs.writeFileSync(file, 'number,target\n+33100000001,HANGUP\n')
  const nodomain = await run(['numbers', '--domain', 'nowhere.example', '--file', file, '--url', address, '--api-key', h.keys.ADMIN])
  t.equal(nodomain.code, 1)
  t.match(nodomain.err.join(), /no domain named nowhere.example/)
  const header = await run(['numbers', '--domain', 'cli.example', '--file', file, '--url', address, '--api-key', h.keys.ADMIN])
  t.equal(header.code, 1)
  t.match(header.err.join(), /invalid_csv_header/)
  fs.writeFileSync(file, 'e164,targetType\n+33100000001,HANGUP\n')
  const ok = await run(['numbers', '--domain', 'cli.example', '--file', file, '--url', address, '--api-key', h.keys.ADMIN])
  t.same([ok.code, ok.out], [0, ['1/1 rows, 0 errors']])
})
