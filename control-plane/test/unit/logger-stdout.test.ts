// The server's log lines go to stdout in blocks (lib/logger.ts): a line waits at most ~200 ms for
// its block, and nothing is lost when the process exits right after logging, even right after a
// burst (a block still being written asynchronously at exit was lost once: 1,878 of 2,000 lines).
import t from 'tap'
import { spawn } from 'node:child_process'
import path from 'node:path'

const logger = path.resolve(import.meta.dirname, '../../src/lib/logger.ts')

/** Runs `body` in a fresh node (tsx) with `logs` = streamLoggers('info'); resolves with its stdout
 *  lines, when each arrived and when the process exited (ms since the spawn). */
function run(body: string): Promise<{ exitAt: number; lines: Array<{ at: number; line: Record<string, unknown> }> }> {
  const script = `const { streamLoggers } = await import(${JSON.stringify(logger)}); const logs = streamLoggers('info'); ${body}`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const t0 = performance.now()
  const lines: Array<{ at: number; line: Record<string, unknown> }> = []
  let rest = ''
  child.stdout.on('data', (d: Buffer) => {
    rest += d.toString()
    const parts = rest.split('\n')
    rest = parts.pop()!
    for (const p of parts) if (p.trim()) lines.push({ at: performance.now() - t0, line: JSON.parse(p) })
  })
  return new Promise((resolve, reject) => child.once('close', (code) => (code === 0 ? resolve({ exitAt: performance.now() - t0, lines }) : reject(new Error(`exit ${code}`)))))
}

t.test('a line logged just before process.exit() is written', async (t) => {
  const { lines } = await run(`logs.diagnostic.info({ callId: 'c1' }, 'last words'); process.exit(0)`)
  t.match(lines.map((l) => l.line), [{ stream: 'diagnostic', callId: 'c1', msg: 'last words' }])
})

t.test('a lone line reaches stdout without waiting for a full block or the exit', async (t) => {
  // logged at once, then the process stays up 2 s: the line arrives with the next flush (200 ms),
  // not with the exit
  const { lines, exitAt } = await run(`logs.application.info('alone'); setTimeout(() => process.exit(0), 2000)`)
  t.equal(lines.length, 1)
  t.equal(lines[0].line.msg, 'alone')
  t.ok(lines[0].at < exitAt - 1000, `arrived ${Math.round(exitAt - lines[0].at)} ms before the exit`)
})

t.test('many lines all arrive, in order', async (t) => {
  const { lines } = await run(`for (let i = 0; i < 20000; i++) logs.diagnostic.info({ i }, 'event'); setTimeout(() => process.exit(0), 10)`)
  t.equal(lines.length, 20000)
  t.ok(lines.every((l, i) => l.line.i === i), 'in order')
})
