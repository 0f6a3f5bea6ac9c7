// ansible/: yamllint, ansible-lint, `ansible-playbook --syntax-check` for every inventory, the
// rolling-update guarantees, a broken copy that must fail the syntax check, and the kamailio and
// rtpengine roles really run against this machine (connection local): --check with the install,
// render and check tags, then for real with the same tags (apt "present" installs or confirms the
// packages; configs go only to a temp dir on the controller side; no service is touched).
import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { parse } from 'yaml'

const DIR = path.resolve(import.meta.dirname, '../../ansible')
const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_CONFIG: path.join(DIR, 'ansible.cfg'), ANSIBLE_LOCAL_TEMP: os.tmpdir() }
const run = (cmd: string, args: string[], cwd = DIR) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 })
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, missing: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' }
}
const tail = (s: string) => s.trim().split('\n').slice(-15).join('\n')

t.test('yamllint and ansible-lint', async (t) => {
  const yl = run('yamllint', ['-s', '.'])
  t.notOk(yl.missing, 'yamllint is installed (scripts/setup.sh --for-tests)')
  t.equal(yl.status, 0, `yamllint: ${tail(yl.out)}`)
  const al = run('ansible-lint', ['--offline', '-p', '--nocolor', 'site.yml', 'rolling-update.yml'])
  t.notOk(al.missing, 'ansible-lint is installed')
  t.equal(al.status, 0, `ansible-lint: ${tail(al.out)}`)
})

t.test('syntax check with every inventory', async (t) => {
  for (const inv of ['dev', 'staging', 'prod']) {
    const r = run('ansible-playbook', ['-i', `inventories/${inv}/hosts.yml`, '--syntax-check', 'site.yml', 'rolling-update.yml'])
    t.notOk(r.missing, 'ansible-playbook is installed')
    t.equal(r.status, 0, `${inv}: ${tail(r.out)}`)
    const hosts = run('ansible-inventory', ['-i', `inventories/${inv}/hosts.yml`, '--list'])
    const groups = JSON.parse(hosts.out.slice(hosts.out.indexOf('{')))
    for (const g of ['postgres', 'redis', 'control_plane', 'media', 'sip_edge']) t.ok(groups[g]?.hosts?.length, `${inv}: group ${g} has hosts`)
  }
})

t.test('a deliberately broken playbook fails the syntax check', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ansible-broken-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))
  fs.cpSync(DIR, tmp, { recursive: true })
  // a task with two modules: Ansible refuses it at parse time
  const tasks = path.join(tmp, 'roles/kamailio/tasks/main.yml')
  fs.appendFileSync(tasks, '\n- name: Broken on purpose\n  ansible.builtin.command: "true"\n  ansible.builtin.shell: "true"\n')
  const r = run('ansible-playbook', ['-i', 'inventories/dev/hosts.yml', '--syntax-check', 'site.yml'], tmp)
  t.not(r.status, 0, 'syntax check fails')
  t.match(r.out, /conflicting action statements/)
})

t.test('rolling-update.yml: one node at a time, stop at the first failure, health-check each node', async (t) => {
  const plays = parse(fs.readFileSync(path.join(DIR, 'rolling-update.yml'), 'utf8'))
  t.same(plays.map((p: any) => p.hosts), ['control_plane', 'media', 'sip_edge'])
  for (const p of plays) {
    t.equal(p.serial, 1, `${p.name}: serial 1`)
    t.equal(p.max_fail_percentage, 0, `${p.name}: max_fail_percentage 0`)
    t.equal(p.any_errors_fatal, true, `${p.name}: any_errors_fatal`)
    t.ok(p.post_tasks.some((x: any) => x['ansible.builtin.uri'] && x.until), `${p.name}: health check with retries`)
  }
})

t.test('kamailio and rtpengine roles against this machine', { skip: process.getuid?.() !== 0 && 'needs root (apt)' }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ansible-local-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))
  fs.writeFileSync(path.join(tmp, 'hosts.yml'), 'all:\n  vars: { ansible_connection: local, ansible_python_interpreter: /usr/bin/python3 }\n  children:\n    sip_edge: { hosts: { localhost: {} } }\n    media: { hosts: { localhost: {} } }\n')
  const common = ['-i', path.join(tmp, 'hosts.yml'), 'site.yml', '--tags', 'install,render,check',
    '-e', `switchboard_render_dir=${tmp}/render`, '-e', 'kamailio_sip_listen=udp:127.0.0.1:5060,tcp:127.0.0.1:5060',
    '-e', 'rtpengine_ng_listen=127.0.0.1:22222', '-e', 'rtpengine_interface=127.0.0.1']
  const check = run('ansible-playbook', [...common, '--check'])
  t.equal(check.status, 0, `--check: ${tail(check.out)}`)
  t.match(check.out, /kamailio : Check the rendered cfg with `kamailio -c`[^\n]*\*+\nok: \[localhost\]/)
  const real = run('ansible-playbook', common)
  t.equal(real.status, 0, `real run: ${tail(real.out)}`)
  t.match(real.out, /localhost\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/, 'idempotent: packages present, nothing changed')
  t.match(fs.readFileSync(path.join(tmp, 'render/localhost/kamailio.cfg'), 'utf8'), /listen=udp:127\.0\.0\.1:5060/, 'rendered by switchboard render')
  t.match(fs.readFileSync(path.join(tmp, 'render/localhost-media/rtpengine.conf'), 'utf8'), /port-min = 30000/)
})

t.test('control_plane liveness probe: a hung control plane is SIGKILLed after N failed probes, a live one never', async (t) => {
  const role = path.join(DIR, 'roles/control_plane')
  const defaults = parse(fs.readFileSync(path.join(role, 'defaults/main.yml'), 'utf8'))
  const rendered = fs.readFileSync(path.join(role, 'templates/switchboard-cp-liveness.sh.j2'), 'utf8').replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k) => String(defaults[k]))
  t.notMatch(rendered, /\{\{|undefined/, 'every template variable has a default')
  const unit = fs.readFileSync(path.join(role, 'templates/switchboard-control-plane.service.j2'), 'utf8')
  t.match(unit, /^Restart=on-failure$/m, 'the control plane unit restarts a process that died of a signal')
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-liveness-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))
  const script = path.join(tmp, 'switchboard-cp-liveness')
  fs.writeFileSync(script, rendered, { mode: 0o755 })
  t.equal(spawnSync('sh', ['-n', script]).status, 0, 'the rendered script parses (sh -n)')
  // stubs: systemctl (active since boot, records kills), curl (exit code from a file), logger
  const bin = path.join(tmp, 'bin')
  fs.mkdirSync(bin)
  const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 })
  stub('systemctl', `case "$1" in is-active) exit 0;; show) echo 0;; kill) echo "$@" >> ${tmp}/kills;; esac`)
  stub('curl', `echo x >> ${tmp}/probes; exit $(cat ${tmp}/curl-rc)`)
  stub('logger', 'true')
  const probe = async (curlRc: number, ms: number) => {
    fs.writeFileSync(path.join(tmp, 'curl-rc'), String(curlRc))
    for (const f of ['kills', 'probes']) fs.rmSync(path.join(tmp, f), { force: true })
    const { spawn } = await import('node:child_process')
    const child = spawn('sh', [script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SB_LIVENESS_PERIOD: '0.05', SB_LIVENESS_GRACE: '0' }, stdio: 'ignore' })
    await new Promise((r) => setTimeout(r, ms))
    child.kill('SIGKILL')
    const read = (f: string) => (fs.existsSync(path.join(tmp, f)) ? fs.readFileSync(path.join(tmp, f), 'utf8').trim().split('\n') : [])
    return { kills: read('kills'), probes: read('probes').length }
  }
  const live = await probe(0, 600)
  t.ok(live.probes >= 3, `${live.probes} probes of a live control plane`)
  t.same(live.kills, [], 'a live control plane is never killed')
  const hung = await probe(28, 600) // curl 28: operation timed out
  t.ok(hung.probes >= defaults.control_plane_liveness_failures, `${hung.probes} probes of a hung one`)
  t.ok(hung.kills.length >= 1, 'a hung control plane is killed')
  t.equal(hung.kills[0], 'kill --signal=SIGKILL switchboard-control-plane.service', 'with SIGKILL, on its unit')
  t.ok(hung.kills.length <= Math.ceil(hung.probes / defaults.control_plane_liveness_failures), `once per ${defaults.control_plane_liveness_failures} failed probes (${hung.kills.length} kills for ${hung.probes} probes)`)
})
