/** The code of a statement the breaker refused to send: it never reached the database. */
export const refusedWhileDownCode = 'DATABASE_DOWN';

/** Codes postgres.js and Node give when the server cannot be reached or went away mid-statement. */
const connectionErrorCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  // The breaker's refusal (db/availability.ts): the database was unreachable at the last probe.
  refusedWhileDownCode,
  '57P01', '57P02', '57P03', '53300',
]);

function* causeChain(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
    // AggregateError from a multi-address connect attempt carries the real reasons in `errors`.
    if (!current && error instanceof AggregateError) yield* error.errors;
  }
}

/** The `code` of an error object (SQLSTATE or driver code), if it has a string one. */
export const codeOf = (error: unknown): string | undefined =>
  error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** The SQLSTATE or driver code of the first error in the chain that has one (drizzle wraps driver errors). */
export function databaseErrorCode(error: unknown): string | undefined {
  for (const candidate of causeChain(error)) {
    const code = codeOf(candidate);
    if (code) return code;
  }
  return undefined;
}

/** True when the error means Postgres is unreachable, not that the statement was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const candidate of causeChain(error)) {
    const code = codeOf(candidate);
    if (code && (connectionErrorCodes.has(code) || code.startsWith('08'))) return true;
  }
  return false;
}
