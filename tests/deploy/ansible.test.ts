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
