// compose.dev.yml and deploy/docker: `docker-compose config` (Debian's Compose 1.29 validates the
// file and every reference without a Docker engine), the profiles (plain `up` = dependencies only),
// host networking where SIP/RTP need it, Grafana/Prometheus provisioning paths, and static checks
// of the Dockerfiles (no engine here to build them): stages, non-root USER, HEALTHCHECK, COPY
// sources that exist, Debian packages. Broken copies must fail both.
import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { parse } from 'yaml'

const REPO = path.resolve(import.meta.dirname, '../..')
const COMPOSE = path.join(REPO, 'compose.dev.yml')

/** `docker-compose config -q` on a copy. Compose 1.29 predates the top-level `name:` (Compose v2
 *  uses it as the project name): the copy drops that one key and passes it with -p instead. */
function composeConfig(file: string): { status: number | null; out: string; missing: boolean } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-compose-'))
  try {
    const doc = parse(fs.readFileSync(file, 'utf8'))
    const copy = path.join(tmp, 'compose.yml')
    fs.writeFileSync(copy, fs.readFileSync(file, 'utf8').replace(/^name: .*$/m, ''))
    const r = spawnSync('docker-compose', ['-p', doc.name ?? 'x', '--project-directory', REPO, '-f', copy, '--profile', 'sipp', 'config', '-q'], { encoding: 'utf8', timeout: 60_000 })
    return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, missing: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

/** Static problems of a Dockerfile (relative COPY sources are resolved against contextDir). */
export function lintDockerfile(text: string, contextDir: string): string[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  const problems: string[] = []
  const stages = lines.filter((l) => /^FROM /i.test(l))
  if (!stages.length) problems.push('no FROM')
  const lastStage = lines.slice(lines.lastIndexOf(stages[stages.length - 1]))
  const user = lastStage.filter((l) => /^USER /i.test(l)).pop()
  if (!user) problems.push('the final stage has no USER: it would run as root')
  else if (/^USER\s+(root|0)(:|\s|$)/i.test(user)) problems.push(`final USER is root: ${user}`)
  if (!lastStage.some((l) => /^HEALTHCHECK /i.test(l))) problems.push('the final stage has no HEALTHCHECK')
  for (const l of lines.filter((x) => /^COPY /i.test(x) && !/--from=/.test(x))) {
    const parts = l.split(/\s+/).slice(1).filter((p) => !p.startsWith('--'))
    for (const src of parts.slice(0, -1)) if (!fs.existsSync(path.join(contextDir, src))) problems.push(`COPY source ${src} does not exist`)
  }
  return problems
}

t.test('docker-compose config validates compose.dev.yml with every profile', async (t) => {
  const r = composeConfig(COMPOSE)
  t.notOk(r.missing, 'docker-compose is installed (scripts/setup.sh --for-tests)')
  t.equal(r.status, 0, r.out)
})

t.test('a deliberately broken compose file fails', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-compose-broken-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))
  const broken = path.join(tmp, 'compose.dev.yml')
  fs.writeFileSync(broken, fs.readFileSync(COMPOSE, 'utf8').replace('migrate: { condition: service_completed_successfully }', 'migrations: { condition: service_completed_successfully }'))
  const r = composeConfig(broken)
  t.not(r.status, 0)
  t.match(r.out, /depends on service 'migrations' which is undefined/)
})

t.test('profiles, host networking and provisioning', async (t) => {
  const c = parse(fs.readFileSync(COMPOSE, 'utf8'))
  const services = c.services as Record<string, any>
  const always = Object.keys(services).filter((s) => !services[s].profiles)
  t.same(always.sort(), ['postgres', 'rabbitmq', 'redis'], 'plain `up -d` still starts only the dependencies')
  for (const s of ['kamailio', 'rtpengine', 'control-plane', 'prometheus', 'grafana']) {
    t.ok(services[s]?.profiles.includes('platform'), `${s} in profile platform`)
  }
  for (const s of ['kamailio', 'rtpengine', 'control-plane', 'sipp']) t.equal(services[s].network_mode, 'host', `${s}: host network`)
  t.same(services.sipp.profiles, ['sipp'])
  t.ok(fs.existsSync(path.join(REPO, 'tests/sipp/scenarios/register_ok.xml')), 'the smoke scenario exists')
  t.match(services.render.command.join(' '), /switchboard render --out \/etc\/switchboard\/rendered/)
  for (const v of [...services.grafana.volumes, ...services.prometheus.volumes]) {
    const host = v.split(':')[0]
    t.ok(fs.existsSync(path.join(REPO, host)), `${host} exists`)
  }
  const scrape = parse(fs.readFileSync(path.join(REPO, 'deploy/observability/prometheus/scrape.yml'), 'utf8'))
  t.ok(scrape.rule_files.includes('alerts.yml'), 'Prometheus loads the alert rules beside scrape.yml')
})

t.test('Dockerfiles', async (t) => {
  const D = path.join(REPO, 'deploy/docker')
  const cp = fs.readFileSync(path.join(D, 'control-plane.Dockerfile'), 'utf8')
  t.same(lintDockerfile(cp, REPO), [], 'control-plane.Dockerfile (context: repository root)')
  t.ok((cp.match(/^FROM /gm) ?? []).length >= 3, 'multi-stage: build, prod-deps, runtime')
  t.match(cp, /npm ci --omit=dev/, 'production dependencies only')
  t.match(cp, /node scripts\/db\/generate-client\.mjs/, 'the Prisma client is generated (and patched) by the same script as npm run generate')
  t.match(cp, /\/health\/live/)
  t.match(cp, /COPY prisma\/migrations/)
  t.ok(fs.existsSync(path.join(REPO, 'control-plane/src/server.ts')) && /dist\/control-plane\/src\/server\.js/.test(cp), 'runs the compiled server')
  for (const f of ['kamailio.Dockerfile', 'rtpengine.Dockerfile', 'sipp.Dockerfile']) {
    const text = fs.readFileSync(path.join(D, f), 'utf8')
    t.same(lintDockerfile(text, D).filter((p) => !(f === 'sipp.Dockerfile' && /HEALTHCHECK/.test(p))), [], f)
    t.match(text, /^FROM debian:bookworm-slim$/m, `${f}: Debian bookworm`)
  }
  const apt = spawnSync('apt-cache', ['show', '--no-all-versions', 'kamailio-extra-modules', 'rtpengine-daemon', 'sip-tester'], { encoding: 'utf8' })
  if (apt.status === 0) t.pass('the Debian packages the images install exist')
  const broken = cp.replace(/^USER .*$/m, '').replace('COPY prisma/migrations', 'COPY prisma/migratons')
  const problems = lintDockerfile(broken, REPO).join('\n')
  t.match(problems, /no USER/, 'a broken copy without USER fails')
  t.match(problems, /COPY source prisma\/migratons does not exist/)
})
