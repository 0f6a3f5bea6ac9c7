// Prisma's error codes, mapped once. Repositories and services call `mapDbError` in their catch
// (or let it reach the error handler, which calls it too), so no handler interprets P-codes.
import { AppError, Conflict, Invalid, NotFound, Unavailable, isAppError } from './errors.ts'

interface PrismaLikeError {
  code?: string
  meta?: { target?: string[] | string; modelName?: string; field_name?: string; constraint?: string[] | string; driverAdapterError?: { cause?: { kind?: string; constraint?: { fields?: string[] } } } }
  name?: string
  message?: string
}

const CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', 'ETIMEDOUT'])

function uniqueFields(e: PrismaLikeError): string[] {
  const t = e.meta?.target ?? e.meta?.constraint ?? e.meta?.driverAdapterError?.cause?.constraint?.fields
  if (!t) return []
  return Array.isArray(t) ? t : [t]
}

export function mapDbError(err: unknown, entity = 'resource'): AppError | undefined {
  if (isAppError(err)) return err
  const e = err as PrismaLikeError
  if (!e || typeof e !== 'object') return undefined
  switch (e.code) {
    case 'P2002': {
      const fields = uniqueFields(e)
      return Conflict(`${entity}_exists`, `a ${entity} with the same ${fields.join(', ') || 'key'} already exists`, { fields })
    }
    case 'P2025':
    case 'P2001':
      return NotFound(entity)
    case 'P2003':
      return Conflict(`${entity}_in_use`, `the ${entity} is referenced by another entity or refers to one that does not exist`)
    case 'P2000':
      return Invalid('value_too_long', 'a value is too long for its field')
    case 'P2023':
    case 'P2007':
      return Invalid('invalid_value', 'a value has the wrong format')
  }
  if ((e.code && CONNECTION_CODES.has(e.code)) || e.name === 'PrismaClientInitializationError' || /ECONNREFUSED|Connection terminated|connection.*closed|Can't reach database/i.test(e.message ?? '')) {
    return Unavailable('database_unavailable', 'the database is unreachable; retry later')
  }
  return undefined
}

/** Run a DB operation and turn Prisma failures into AppErrors. */
export async function withDbErrors<T>(entity: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw mapDbError(err, entity) ?? err
  }
}
