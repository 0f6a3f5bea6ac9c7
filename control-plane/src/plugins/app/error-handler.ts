// Every error leaves the API in one shape: { error: { code, message, details?, requestId } }.
// Known errors keep their status and code; database failures are mapped once (lib/prisma-errors);
// anything else is a 500 whose message says nothing about the internals.
import fp from 'fastify-plugin'
import type { FastifyError } from 'fastify'
import { AppError, isAppError } from '../../lib/errors.ts'
import { mapDbError } from '../../lib/prisma-errors.ts'

function fromFastify(err: FastifyError): AppError | undefined {
  if (err.validation) {
    const details = err.validation.map((v) => ({
      where: err.validationContext,
      path: v.instancePath || undefined,
      message: v.message,
      ...(v.params && 'additionalProperty' in v.params ? { field: v.params.additionalProperty } : {}),
    }))
    return new AppError('validation', 'invalid_request', `the request ${err.validationContext ?? ''} does not match the schema`.replace('  ', ' '), details, 400)
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new AppError('validation', 'unsupported_media_type', 'send application/json', undefined, 415)
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err instanceof SyntaxError && err.statusCode === 400))
    return new AppError('validation', 'invalid_json', 'the body is not valid JSON', undefined, 400)
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('validation', 'body_too_large', 'the body is too large', undefined, 413)
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('validation', 'bad_request', err.message, undefined, err.statusCode)
  }
  return undefined
}

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const known = isAppError(err) ? err : (fromFastify(err) ?? mapDbError(err))
      if (known) {
        if (known.status >= 500) req.log.warn({ code: known.code }, known.message)
        if (known.status === 503) reply.header('retry-after', '5')
        return reply.status(known.status).send({
          error: { code: known.code, message: known.message, ...(known.details !== undefined ? { details: known.details } : {}), requestId: req.id },
        })
      }
      req.log.error({ err }, 'unhandled error')
      if (process.env.SB_DEBUG_ERRORS) console.error(err)
      return reply.status(500).send({ error: { code: 'internal_error', message: 'internal error; quote the request id when reporting it', requestId: req.id } })
    })
    app.setNotFoundHandler((req, reply) =>
      reply.status(404).send({ error: { code: 'route_not_found', message: `no route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id } }),
    )
  },
  { name: 'error-handler' },
)
