import t from 'tap'
import { AppError, BadRequest, Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, Unauthorized, Unavailable } from '../../src/lib/errors.ts'
import { mapDbError, withDbErrors } from '../../src/lib/prisma-errors.ts'

t.test('each kind has its status and a stable code', async (t) => {
  const cases: Array<[AppError, number, string]> = [
    [NotFound('trunk', 'x'), 404, 'trunk_not_found'],
    [Conflict('extension_taken', 'm'), 409, 'extension_taken'],
    [Invalid('invalid_e164', 'm'), 422, 'invalid_e164'],
    [BadRequest('invalid_json', 'm'), 400, 'invalid_json'],
    [Unauthorized(), 401, 'unauthorized'],
    [Forbidden(), 403, 'forbidden'],
    [PreconditionFailed(), 412, 'version_mismatch'],
    [Unavailable('database_unavailable', 'm'), 503, 'database_unavailable'],
  ]
  for (const [err, status, code] of cases) {
    t.equal(err.status, status, code)
    t.equal(err.code, code)
  }
})

t.test('Prisma errors are mapped once', async (t) => {
  t.match(mapDbError({ code: 'P2002', meta: { target: ['domainId', 'extension'] } }, 'user'), { status: 409, code: 'user_exists', details: { fields: ['domainId', 'extension'] } })
  t.match(mapDbError({ code: 'P2025' }, 'user'), { status: 404, code: 'user_not_found' })
  t.match(mapDbError({ code: 'P2003' }, 'trunk'), { status: 409, code: 'trunk_in_use' })
  t.match(mapDbError({ code: 'P2000' }), { status: 422, code: 'value_too_long' })
  t.match(mapDbError({ code: 'P1001' }), { status: 503, code: 'database_unavailable' })
  t.match(mapDbError({ message: 'connect ECONNREFUSED 127.0.0.1:5432' }), { status: 503 })
  t.equal(mapDbError(new Error('something else')), undefined, 'unknown errors stay unknown (a 500)')
  t.equal(mapDbError('not an object'), undefined)
  const kept = NotFound('x')
  t.equal(mapDbError(kept), kept)
  await t.rejects(withDbErrors('user', () => Promise.reject({ code: 'P2002', meta: {} })), { code: 'user_exists' })
  await t.rejects(withDbErrors('user', () => Promise.reject(new TypeError('boom'))), TypeError)
  t.equal(await withDbErrors('user', async () => 42), 42)
})
