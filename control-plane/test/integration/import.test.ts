import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, hasSecretKeys } from '../support/provisioning.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const dom = await fx.domain('import.example')
const post = (kind: string, body: string, domainId = dom.id, role: 'ADMIN' | 'AUDITOR' = 'ADMIN') =>
  h.app.inject({ method: 'POST', url: `/api/v1/import/${kind}?domainId=${domainId}`, headers: { ...h.auth(role), 'content-type': 'text/csv' }, payload: body })

t.test('users: good rows are created, bad rows reported, none aborts the others', async (t) => {
  const csv = [
    'extension,password,displayName,email,codecs,enabled',
    '1001,long-enough-secret,"Martin, Alice",alice@import.example,opus;PCMA,true',
    '1002,short,Bob,,,',
    '1003,long-enough-secret,Carol,not-an-email,,',
    '1001,long-enough-secret,Dup,,,',
    '1004,long-enough-secret,Dan,,,maybe',
    '1005,long-enough-secret,Eve,,,no',
  ].join('\r\n')
  const r = await post('users', csv)
  t.equal(r.statusCode, 200, r.body)
  const body = r.json()
  t.same(body.totals, { rows: 6, created: 2, errors: 4 })
  t.same(body.rows.map((x: { row: number; status: string; error?: { code: string } }) => [x.row, x.status, x.error?.code]), [
    [1, 'created', undefined],
    [2, 'error', 'weak_password'],
    [3, 'error', 'invalid_email'],
    [4, 'error', 'extension_taken'],
    [5, 'error', 'invalid_row'],
    [6, 'created', undefined],
  ])
  t.notOk(hasSecretKeys(body))
  const alice = await prisma.user.findFirstOrThrow({ where: { domainId: dom.id, extension: '1001' } })
  t.equal(alice.displayName, 'Martin, Alice')
  t.same(alice.codecs, ['opus', 'PCMA'])
  t.equal((await prisma.user.findFirstOrThrow({ where: { extension: '1005' } })).enabled, false)
  t.equal(await prisma.user.count({ where: { domainId: dom.id } }), 2)
  t.equal(await prisma.auditEntry.count({ where: { action: 'user.created', domainId: dom.id } }), 2, 'one audited transaction per good row')
})

t.test('numbers: references checked per row', async (t) => {
  const user = await fx.user(dom.id, '2001')
  const csv = `e164,targetType,targetId,targetNumber,description\n+33100000001,USER,${user.id},,main\n+33100000002,QUEUE,${randomUUID()},,\n+33100000003,EXTERNAL,,+442071234567,fwd\nbogus,HANGUP,,,\n+33100000001,HANGUP,,,\n`
  const r = await post('numbers', csv)
  t.equal(r.statusCode, 200, r.body)
  t.same(r.json().rows.map((x: { status: string; error?: { code: string } }) => x.error?.code ?? x.status), ['created', 'target_not_found', 'created', 'invalid_e164', 'number_exists'])
  t.equal(await prisma.phoneNumber.count({ where: { domainId: dom.id } }), 2)
})

t.test('a wrong header refuses the whole file; nothing written', async (t) => {
  const before = await prisma.user.count()
  for (const [csv, code] of [
    ['ext,password\n1,long-enough-secret\n', 'invalid_csv_header'],
    ['extension,password,ha1\n3001,long-enough-secret,x\n', 'invalid_csv_header'],
    ['extension,extension,password\n', 'invalid_csv_header'],
    ['', 'invalid_csv_header'],
    ['extension,password\n"3001,long-enough-secret\n', 'invalid_csv'],
  ]) {
    const r = await post('users', csv)
    t.equal(r.statusCode, 400, csv)
    t.equal(r.json().error.code, code)
  }
  t.equal(await prisma.user.count(), before)
  const json = await h.app.inject({ method: 'POST', url: `/api/v1/import/users?domainId=${dom.id}`, headers: h.auth(), payload: { extension: '1' } })
  t.equal(json.statusCode, 400, 'JSON is not accepted here')
  t.equal((await post('users', 'extension,password\n', randomUUID())).json().error.code, 'domain_not_found')
  t.equal((await post('users', 'extension,password\n', dom.id, 'AUDITOR')).statusCode, 403)
})
