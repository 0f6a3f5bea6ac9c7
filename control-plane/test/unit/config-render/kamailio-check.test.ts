// The rendered cfg must pass Kamailio's own parser (`kamailio -c -f`), with TLS off and on.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { kamailioCheck } from '../../../src/cli/render.ts'
import { buildRenderContext, renderKamailio } from '../../../src/modules/config-render/render.ts'

const haveKamailio = spawnSync('kamailio', ['-v'], { encoding: 'utf8' }).status === 0

function check(t: Test, env: Record<string, string>, dir: string): void {
  const cfg = path.join(dir, 'kamailio.cfg')
  fs.writeFileSync(cfg, renderKamailio(buildRenderContext(env, { cwd: dir })))
  const { ok, output } = kamailioCheck(cfg)
  t.ok(ok, 'kamailio -c accepts it')
  t.match(output, /config file ok/)
}

t.test('kamailio -c on the rendered cfg', { skip: haveKamailio ? false : 'kamailio is not installed' }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-check-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))

  t.test('default (dev) context', async (t) => check(t, {}, dir))

  t.test('every switch on, rtpengine off', async (t) =>
    check(t, { EMERGENCY_NUMBERS: '112,911', EMERGENCY_TRUNK_URI: 'sip:127.0.0.1:5099', KAMAILIO_PIKE_ENABLED: 'true', KAMAILIO_RATELIMIT_ENABLED: 'true', RTPENGINE_ENABLED: 'false', KAMAILIO_AUTH_SECRET: 'a-test-secret-0123456789', CP_JSONRPC_PEERS: '127.0.0.1:8089,127.0.0.1:8090' }, dir))

  t.test('TLS on with a throw-away self-signed certificate', async (t) => {
    const key = path.join(dir, 'key.pem')
    const cert = path.join(dir, 'cert.pem')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=switchboard.test'], { stdio: 'ignore' })
    check(t, { SIP_TLS_ENABLED: 'true', SIP_TLS_LISTEN: 'tls:127.0.0.1:5061', SIP_TLS_CERT: cert, SIP_TLS_KEY: key }, dir)
    t.match(fs.readFileSync(path.join(dir, 'kamailio.cfg'), 'utf8'), /^#!define WITH_TLS$/m)
  })

  t.test('registrations persisted in Redis (db_redis)', async (t) => check(t, { KAMAILIO_USRLOC_DB_URL: 'redis://127.0.0.1:6379/13' }, dir))

  t.test('a broken cfg is reported as failed', async (t) => {
    const cfg = path.join(dir, 'broken.cfg')
    fs.writeFileSync(cfg, '#!KAMAILIO\nrequest_route { no_such_function(); }\n')
    const { ok } = kamailioCheck(cfg)
    t.notOk(ok)
  })
})
