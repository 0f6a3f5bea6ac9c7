import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, ConfigError } from '../../src/config/config.ts'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cfg-'))
t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }))
const key = 'k1:' + Buffer.alloc(32, 1).toString('base64')

t.test('defaults: embedded database, in-process state, loopback listeners', async (t) => {
  const c = loadConfig({ DATA_DIR: dataDir })
  t.equal(c.env, 'development')
  t.equal(c.databaseUrl, undefined)
  t.equal(c.redisUrl, undefined)
  t.same(c.http, { host: '127.0.0.1', port: 8080 })
  t.same(c.readyRequires, ['db'])
  t.equal(c.encryption.active.key.length, 32, 'a development key is generated')
  const again = loadConfig({ DATA_DIR: dataDir })
  t.same(again.encryption.active.key, c.encryption.active.key, 'and kept across restarts')
})

t.test('every bad setting fails with one line naming the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ DATABASE_URL: 'mysql://x/y' }, /DATABASE_URL must use postgres/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a valid URL/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must use redis/],
    [{ HTTP_PORT: '70000' }, /HTTP_PORT must be between 1 and 65535/],
    [{ HTTP_PORT: 'eighty' }, /HTTP_PORT must be an integer/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be one of/],
    [{ NODE_ENV: 'production', ENCRYPTION_KEYS: key }, /INTERNAL_TOKEN is required in production/],
    [{ NODE_ENV: 'production', INTERNAL_TOKEN: 'x'.repeat(20) }, /ENCRYPTION_KEYS is required in production/],
    [{ NODE_ENV: 'production', INTERNAL_TOKEN: 'x'.repeat(20), ENCRYPTION_KEYS: key }, /AUTH_TOKEN_KEY is required in production/],
    [{ AUTH_TOKEN_KEY: Buffer.alloc(16).toString('base64') }, /AUTH_TOKEN_KEY must decode to at least 32 bytes/],
    [{ AUDIT_RETENTION_DAYS: '30' }, /AUDIT_RETENTION_DAYS must be between 365/],
    [{ INTERNAL_TOKEN: 'short' }, /INTERNAL_TOKEN must be at least 16/],
    [{ ENCRYPTION_KEYS: 'k1:' + Buffer.alloc(16).toString('base64') }, /must decode to 32 bytes/],
    [{ ENCRYPTION_KEYS: 'garbage' }, /ENCRYPTION_KEYS must be/],
    [{ ENCRYPTION_KEYS: key, ENCRYPTION_ACTIVE_KEY: 'k9' }, /ENCRYPTION_ACTIVE_KEY "k9" is not one of/],
    [{ READY_REQUIRES: 'db,coffee' }, /unknown check "coffee"/],
    [{ RTPENGINE_NG: 'localhost' }, /RTPENGINE_NG must be host:port/],
    [{ CP_JSONRPC_ENABLED: 'maybe' }, /CP_JSONRPC_ENABLED must be true or false/],
  ]
  for (const [env, message] of cases) {
    t.throws(() => loadConfig({ DATA_DIR: dataDir, ...env }), { name: 'ConfigError', message }, JSON.stringify(env))
  }
  t.ok(new ConfigError('x') instanceof Error)
})

t.test('production with every secret set', async (t) => {
  const c = loadConfig({ NODE_ENV: 'production', INTERNAL_TOKEN: 't'.repeat(24), AUTH_TOKEN_KEY: Buffer.alloc(32, 3).toString('base64'), ENCRYPTION_KEYS: `${key},k2:${Buffer.alloc(32, 2).toString('base64')}`, ENCRYPTION_ACTIVE_KEY: 'k2', REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://u:p@db:5432/sb' })
  t.equal(c.encryption.active.id, 'k2')
  t.equal(c.encryption.all.length, 2)
  t.same(c.readyRequires, ['db', 'redis'], 'Redis becomes required when configured')
  t.ok(Object.isFrozen(c))
})
