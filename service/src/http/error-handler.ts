import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { databaseErrorCode, isDatabaseUnavailable, mayHaveTakenEffect } from '../db/errors';
import { InjectedFault } from '../faults/injected-fault';
import type { Logger } from '../logger';
import { ApiError, errorBody, SimulatedFailure } from './errors';

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The request validators' own refusals (hono/validator, @hono/zod-openapi), before any schema runs: a 400 is a
 * body that does not parse (JSON is the only body the routes declare), a 415 a body of another media type.
 */
const httpExceptionCodes: Partial<Record<number, string>> = { 400: 'malformed_json', 415: 'unsupported_media_type' };

/**
 * Maps every thrown error to a JSON body. Client mistakes are 4xx and never logged as errors; a database
 * outage is a 503 the load balancer and clients can act on; anything else is a 500 whose details stay in
 * the logs and the trace, not in the response.
 */
export function errorHandler(logger: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof ApiError) {
      if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
      return c.json(errorBody(error.code, error.message, error.details), error.status);
    }
    if (error instanceof HTTPException) {
      return c.json(errorBody(httpExceptionCodes[error.status] ?? 'http_error', error.message || 'request could not be processed'), error.status);
    }
    if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error }, 'database unavailable');
      c.header('Retry-After', '1');
      if (writeMethods.has(c.req.method) && mayHaveTakenEffect(error)) {
        return c.json(errorBody('outcome_unknown', 'the database connection was lost while the request ran, so it may or may not have taken effect; check before repeating it'), 503);
      }
      return c.json(errorBody('database_unavailable', 'the database is unavailable and nothing was written; retry shortly'), 503);
    }
    // Backstop for input validation missed: Postgres's data exceptions (class 22) and integrity violations
    // (class 23) are the client's values, not a server fault.
    const sqlState = databaseErrorCode(error);
    if (sqlState?.startsWith('22')) {
      logger.warn({ err: error, sqlState }, 'database rejected a value');
      return c.json(errorBody('invalid_value', 'a value is out of range or not valid'), 422);
    }
    if (sqlState?.startsWith('23')) {
      logger.warn({ err: error, sqlState }, 'database integrity violation');
      return c.json(errorBody('conflict', 'the request conflicts with stored data'), 409);
    }
    if (error instanceof InjectedFault) {
      logger.error({ err: error, 'exception.type': error.name }, error.message);
      return c.json(errorBody('injected_fault', error.message), 500);
    }
    if (error instanceof SimulatedFailure) {
      logger.error({ err: error, 'exception.type': error.name }, error.message);
      return c.json(errorBody('simulated_failure', error.message), 500);
    }
    logger.error({ err: error }, 'unhandled error');
    return c.json(errorBody('internal_error', 'internal server error'), 500);
  };
}

/** 405 with `Allow` when the path exists under other methods, 404 when it does not exist at all. */
export const notFoundHandler = (methodsOf: (path: string) => string[]) => (c: Context) => {
  const allowed = methodsOf(c.req.path);
  if (allowed.length === 0) return c.json(errorBody('route_not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
  c.header('Allow', allowed.join(', '));
  return c.json(errorBody('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(', ')}`), 405);
};
