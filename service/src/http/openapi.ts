import { z } from '@hono/zod-openapi';

/** Every time the API answers: RFC 3339 with its offset, to the microsecond Postgres keeps. */
export const timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2026-12-07T22:04:42.795465Z' });

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'stable, machine-readable: `invalid_parameters`, `not_found`, `database_unavailable`, ...' }),
      message: z.string().openapi({ description: 'for people; says what was wrong, or what to do' }),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional().openapi({ description: 'each invalid field or parameter' }),
    }),
  })
  .openapi('Error');

const retryAfterHeader = z.object({
  'Retry-After': z.string().regex(/^[1-9][0-9]*$/).openapi({ description: 'whole seconds after which the same request may succeed' }),
});

export const jsonContent = <Schema extends z.ZodType>(schema: Schema) => ({ 'application/json': { schema } });

const jsonError = (description: string) => ({ description, content: jsonContent(errorBodySchema) });

/** A temporary refusal: the same request may succeed after `Retry-After`. */
const retryLaterError = (description: string) => ({ ...jsonError(description), headers: retryAfterHeader });

/** The error answers routes share; a route adds its own 404, 409 and 422 where it has them. */
export const errorResponses = {
  invalidParameters: { 400: jsonError('`invalid_parameters`: a path, query or header parameter is invalid; `details` names each, with its allowed range') },
  /** For routes that take a JSON body: the request's own mistakes. */
  invalidBody: {
    400: jsonError('`malformed_json`: the body is not JSON; or `invalid_parameters`: a path, query or header parameter is invalid, each named in `details`'),
    413: jsonError('`payload_too_large`: the body exceeds 64 KiB (the connection then closes)'),
    415: jsonError('`unsupported_media_type`: a body sent with a Content-Type other than application/json'),
    422: jsonError('`invalid_fields`: the body is JSON but fields are missing, unknown or invalid; `details` names each'),
  },
  /** For routes that are not GET or HEAD: a body they do not read is still refused beyond the cap. */
  bodyTooLarge: { 413: jsonError('`payload_too_large`: the body exceeds 64 KiB (the connection then closes)') },
  /** For every route but the health probes: a server fault, or a fault the failure lab injects on purpose. */
  serverFault: { 500: jsonError('`internal_error`, or `injected_fault` while the failure lab injects errors on this route') },
  /** For routes that use Postgres. */
  databaseUnavailable: {
    503: retryLaterError('`database_unavailable`: Postgres is unreachable and nothing was written; `outcome_unknown`: the connection was lost while a write ran, so it may have taken effect'),
  },
  retryLater: retryLaterError,
  jsonError,
} as const;

/** The document's groups of operations. */
export const tags = { items: 'items', orders: 'orders', simulate: 'simulate', health: 'health', meta: 'meta' } as const;
