import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** An error whose status, code and message are meant for the client. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: readonly FieldProblem[],
    /** Sent as `Retry-After`: the refusal is temporary and the same request may succeed after it. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A temporary refusal (429, 503): the client should send the same request again after `retryAfterSeconds`. */
export const retryLater = (status: 429 | 503, code: string, message: string, retryAfterSeconds = 1) =>
  new ApiError(status, code, message, undefined, retryAfterSeconds);

export const notFound = (what: string, id: string | number) =>
  new ApiError(404, 'not_found', `${what} ${id} does not exist`);

/** Thrown by /simulate/error on purpose; a server fault by design, so it is a 500. */
export class SimulatedFailure extends Error {
  override readonly name = 'SimulatedFailure';
}

export interface ErrorBody {
  error: { code: string; message: string; details?: readonly FieldProblem[] };
}

export const errorBody = (code: string, message: string, details?: readonly FieldProblem[]): ErrorBody => ({
  error: details ? { code, message, details } : { code, message },
});
