import type { Hook } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { ApiError, type FieldProblem } from './errors';

const fieldProblems = (error: z.ZodError): FieldProblem[] =>
  error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));

/**
 * What a request that fails its route's schemas answers (the routes' `defaultHook`): a well-formed JSON body
 * with invalid fields is a 422 naming them; an invalid path, query or header parameter a 400 naming it. A body
 * that is not JSON at all never gets here: the validator throws a 400 first (see error-handler.ts).
 */
export const refuseInvalidRequest: Hook<unknown, never, string, unknown> = (result) => {
  if (result.success) return;
  if (result.target === 'json') throw new ApiError(422, 'invalid_fields', 'request body has invalid fields', fieldProblems(result.error));
  throw new ApiError(400, 'invalid_parameters', 'request has invalid parameters', fieldProblems(result.error));
};

/**
 * An integer in a path or query parameter, written in base 10 with no sign, exponent, radix prefix, fraction,
 * padding or leading zero: `0x10`, `1e1`, `+1`, `1.0` and ` 1` are refused instead of naming another number,
 * so one resource has exactly one URL. Any refusal names the allowed range, which the document states too.
 */
export const decimalInteger = (min: number, max: number) => {
  const expected = `must be a whole number from ${min} to ${max}, in base 10`;
  return z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, { message: expected })
    .transform(Number)
    .pipe(z.number().int().min(min, { message: expected }).max(max, { message: expected }))
    .openapi({ type: 'integer', minimum: min, maximum: max });
};

/**
 * A probability in a query parameter, in plain decimal notation: `0.25`, not `.25` or `2.5e-1`. The document
 * gives it as the string pattern itself: a `number` would let clients send any JSON spelling of one.
 */
export const probability = () => {
  const expected = 'must be a number from 0 to 1, in plain decimal notation (0.25, not .25 or 2.5e-1)';
  return z
    .string()
    .regex(/^(0(\.[0-9]+)?|1(\.0+)?)$/, { message: expected })
    .transform(Number)
    .openapi({ description: `a number from 0 to 1 in plain decimal notation` });
};
