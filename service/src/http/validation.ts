import type { Context } from 'hono';
import type { z } from 'zod';
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
