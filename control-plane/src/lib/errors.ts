// The one closed error model. Services throw these; the error handler turns them into
// `{ error: { code, message, details?, requestId } }` with the status of their kind.
// `code` is stable and machine-readable (snake_case); `message` is for humans.

export type ErrorKind =
  | 'validation' // 400/422: the request is malformed or refers to something that does not exist
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409: duplicate, or still referenced
  | 'precondition' // 412: If-Match does not match the current version
  | 'unavailable' // 503: a dependency is down; retry later

const STATUS: Record<ErrorKind, number> = {
  validation: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition: 412,
  unavailable: 503,
}

export class AppError extends Error {
  readonly status: number
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    status?: number,
  ) {
    super(message)
    this.name = 'AppError'
    this.status = status ?? STATUS[kind]
  }
}

export const NotFound = (entity: string, id?: string) =>
  new AppError('not_found', `${entity}_not_found`, id ? `${entity} ${id} does not exist` : `${entity} does not exist`)

export const Conflict = (code: string, message: string, details?: unknown) => new AppError('conflict', code, message, details)

/** 422 by default: well-formed JSON whose content is wrong (bad E.164, missing reference, bad regex). */
export const Invalid = (code: string, message: string, details?: unknown) => new AppError('validation', code, message, details)

/** 400: the request itself could not be parsed (schema, headers). */
export const BadRequest = (code: string, message: string, details?: unknown) => new AppError('validation', code, message, details, 400)

export const Unauthorized = (code = 'unauthorized', message = 'authentication required') => new AppError('unauthorized', code, message)

export const Forbidden = (code = 'forbidden', message = 'not allowed') => new AppError('forbidden', code, message)

export const PreconditionFailed = (message = 'the resource changed since you read it; fetch it again') =>
  new AppError('precondition', 'version_mismatch', message)

export const Unavailable = (code: string, message: string) => new AppError('unavailable', code, message)

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
