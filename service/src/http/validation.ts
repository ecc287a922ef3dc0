import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError, type FieldProblem } from './errors';

const fieldProblems = (error: z.ZodError): FieldProblem[] =>
  error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));

/** Parses a JSON body: malformed JSON is a 400, a well-formed body with invalid fields a 422 naming them. */
export async function parseJsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.infer<Schema>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError(400, 'malformed_json', 'request body must be valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(422, 'invalid_fields', 'request body has invalid fields', fieldProblems(parsed.error));
  return parsed.data;
}

/** Parses query parameters or path parameters: any invalid one is a 400 naming it. */
export function parseParams<Schema extends z.ZodType>(values: Record<string, string | undefined>, schema: Schema): z.infer<Schema> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new ApiError(400, 'invalid_parameters', 'request has invalid parameters', fieldProblems(parsed.error));
  return parsed.data;
}

/**
 * An integer in a path or query parameter, written in base 10 with no sign, exponent, radix prefix, fraction,
 * padding or leading zero: `0x10`, `1e1`, `+1`, `1.0` and ` 1` are refused instead of naming another number,
 * so one resource has exactly one URL.
 */
export const decimalInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, { message: 'must be a whole number in base 10' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A non-negative number in a query parameter, in plain decimal notation (`0.25`, not `.25` or `2.5e-1`). */
export const decimalNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/, { message: 'must be a number in plain decimal notation' })
    .transform(Number)
    .pipe(z.number().min(min).max(max));
