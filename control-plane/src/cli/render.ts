// `switchboard render [--out DIR] [--context FILE.json]` writes kamailio.cfg and rtpengine.conf;
// `switchboard check [--context FILE.json]` renders into a temp dir and asks `kamailio -c -f`.
// The context comes from the environment (see build-context.ts), optionally overlaid with a JSON
// file holding a partial RenderContext. Rendered files are 0640: they may carry the nonce secret.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError } from '../config/env.ts'
import { RenderContextError, buildRenderContext, renderKamailio, renderRtpengine, type RenderContext } from '../modules/config-render/render.ts'

interface Args { out: string; context?: string }

function parseArgs(argv: string[], command: string): Args {
  const args: Args = { out: 'var/config' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined || v.startsWith('--')) throw new ConfigError(`${a} needs a value`)
      return v
    }
    if (a === '--out' && command === 'render') args.out = value()
    else if (a === '--context') args.context = value()
    else if (a === '--help' || a === '-h') throw new ConfigError(usage(command))
    else throw new ConfigError(`unknown argument "${a}"\n${usage(command)}`)
  }
  return args
}

function usage(command: string): string {
  return command === 'render'
    ? 'usage: switchboard render [--out DIR] [--context FILE.json]'
    : 'usage: switchboard check [--context FILE.json]'
}

function loadContext(file: string | undefined): RenderContext {
  let overrides: unknown
  if (file) {
    try {
      overrides = JSON.parse(fs.readFileSync(file, 'utf8'))
    } catch (e) {
      throw new ConfigError(`--context ${file}: ${(e as Error).message}`)
    }
  }
  return buildRenderContext(process.env, { overrides })
}

function writeConfigs(ctx: RenderContext, dir: string): { kamailio: string; rtpengine: string } {
  fs.mkdirSync(dir, { recursive: true })
  const kamailio = path.join(dir, 'kamailio.cfg')
  const rtpengine = path.join(dir, 'rtpengine.conf')
  // write then chmod: writeFileSync's mode only applies to a file it creates
  fs.writeFileSync(kamailio, renderKamailio(ctx), { mode: 0o640 })
  fs.chmodSync(kamailio, 0o640)
  fs.writeFileSync(rtpengine, renderRtpengine(ctx), { mode: 0o640 })
  fs.chmodSync(rtpengine, 0o640)
  return { kamailio, rtpengine }
}

function reportError(e: unknown): number {
  if (e instanceof ConfigError || e instanceof RenderContextError) {
    process.stderr.write(`${e.message}\n`)
    return 1
  }
  throw e
}

export async function renderCommand(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, 'render')
    const files = writeConfigs(loadContext(args.context), path.resolve(args.out))
    process.stdout.write(`wrote ${files.kamailio}\nwrote ${files.rtpengine}\n`)
    return 0
  } catch (e) {
    return reportError(e)
  }
}

/** Result of `kamailio -c -f FILE`: ok, and the lines kamailio printed (its verdict last). */
export function kamailioCheck(cfgFile: string): { ok: boolean; output: string } {
  const r = spawnSync('kamailio', ['-c', '-f', cfgFile], { encoding: 'utf8', timeout: 30_000 })
  if (r.error) return { ok: false, output: `cannot run kamailio: ${r.error.message}` }
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` }
}

export async function checkCommand(argv: string[]): Promise<number> {
  let dir: string | undefined
  try {
    const args = parseArgs(argv, 'check')
    const ctx = loadContext(args.context)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-check-'))
    const files = writeConfigs(ctx, dir)
    const { ok, output } = kamailioCheck(files.kamailio)
    const verdict = output.split('\n').filter((l) => /ERROR|CRITICAL|config file ok|bad config/.test(l))
    process.stdout.write(`${verdict.join('\n') || output.trim()}\n`)
    process.stdout.write(ok ? 'kamailio.cfg: OK\n' : 'kamailio.cfg: FAILED\n')
    return ok ? 0 : 1
  } catch (e) {
    return reportError(e)
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  }
}
