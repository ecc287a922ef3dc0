/** The code of a statement the breaker refused to send: it never reached the database. */
export const refusedWhileDownCode = 'DATABASE_DOWN';

/** The code of a statement given up on when the breaker opened while it had no answer: it may have run. */
export const abandonedWhileDownCode = 'DATABASE_STOPPED_ANSWERING';

/** Codes postgres.js, Node and Postgres give when the statement was never sent or never started. */
const refusedBeforeSendingCodes = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'CONNECT_TIMEOUT', 'CONNECTION_ENDED',
  // The breaker's refusal (db/availability.ts): the database was unreachable at the last probe.
  refusedWhileDownCode,
  // cannot_connect_now (starting up, shutting down), too_many_connections, and class 08's refusals.
  '57P03', '53300', '08001', '08004',
]);

/** Codes given when the connection went away while a statement may have been running, or committing. */
const lostMidStatementCodes = new Set([
  'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED',
  // The breaker's abandonment (db/availability.ts): sent, never answered, the database then found unreachable.
  abandonedWhileDownCode,
  // admin_shutdown, crash_shutdown: the server ended the session.
  '57P01', '57P02',
]);

/** The first code in the chain that says the database was unreachable, if any. */
function unavailabilityCode(error: unknown): string | undefined {
  for (const candidate of causeChain(error)) {
    const code = codeOf(candidate);
    if (code && (refusedBeforeSendingCodes.has(code) || lostMidStatementCodes.has(code) || code.startsWith('08'))) return code;
  }
  return undefined;
}

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
export const isDatabaseUnavailable = (error: unknown): boolean => unavailabilityCode(error) !== undefined;

/**
 * True when the connection was lost while the statement may have run (a write may have committed and only
 * its reply was lost); false when it was refused before it was sent, or the error is not about the connection.
 */
export function mayHaveTakenEffect(error: unknown): boolean {
  const code = unavailabilityCode(error);
  return code !== undefined && !refusedBeforeSendingCodes.has(code);
}
