import type postgres from 'postgres';
import type { DatabaseAvailability } from './availability';

type AnySql = postgres.Sql<Record<string, unknown>> | postgres.TransactionSql<Record<string, unknown>>;
type PendingQuery = postgres.PendingQuery<postgres.Row[]>;

/**
 * Puts a statement under the breaker's watch through the driver's public API: if the breaker opens before the
 * statement is answered (a black-holed connection answers nothing and fails nothing), the statement is
 * canceled. postgres.js then rejects it at once if it was still waiting for a connection (57014), or sends
 * a cancel request and, when that gets no answer within `cancel_timeout`, closes the connection and rejects it
 * with CONNECTION_DESTROYED: either way it may have run, and db/errors.ts answers "outcome unknown".
 *
 * Registering calls `then`, which sends the statement: every caller (drizzle's session) awaits what it makes at
 * once, and sets its modifiers (`.values()`) in the same tick, before the driver builds the statement.
 */
function watchQuery(query: PendingQuery, availability: DatabaseAvailability): PendingQuery {
  const answered = availability.waitFor('statement', () => void query.cancel().catch(() => undefined));
  query.then(answered, (error: unknown) => {
    answered();
    availability.observe(error);
  });
  return query;
}

const isTemplateCall = (args: readonly unknown[]) => Array.isArray(args[0]) && 'raw' in (args[0] as object);

/**
 * Statements made through `sql` (the pool, or a transaction's connection) are watched; with `admit`, each is
 * first asked of the breaker, which throws DatabaseDown while it is open: the caller (an async drizzle method)
 * rejects with it, and nothing is queued behind reconnect attempts.
 */
function gateStatements<T extends AnySql>(sql: T, availability: DatabaseAvailability, admit: boolean): T {
  return new Proxy(sql, {
    apply(target, thisArg, args: unknown[]) {
      if (!isTemplateCall(args)) return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args);
      if (admit) availability.admit();
      return watchQuery(Reflect.apply(target as unknown as (...a: unknown[]) => PendingQuery, thisArg, args), availability);
    },
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'unsafe') {
        return (...args: unknown[]) => {
          if (admit) availability.admit();
          return watchQuery((value as (...a: unknown[]) => PendingQuery).apply(target, args), availability);
        };
      }
      if (property === 'begin' && admit) return gatedBegin(target, value as (...a: unknown[]) => Promise<unknown>, availability);
      if (property === 'savepoint') return withGatedCallback(target, value as (...a: unknown[]) => Promise<unknown>, availability);
      return value;
    },
  });
}

/** Calls `method` (begin or savepoint) with its callback given the gated transaction client. */
function withGatedCallback(target: object, method: (...a: unknown[]) => Promise<unknown>, availability: DatabaseAvailability) {
  return (...args: unknown[]) => {
    const work = args.findIndex((arg) => typeof arg === 'function');
    if (work >= 0) {
      const run = args[work] as (transaction: AnySql) => unknown;
      args[work] = (transaction: AnySql) => run(gateStatements(transaction, availability, false));
    }
    return method.apply(target, args);
  };
}

/**
 * A transaction is refused while the breaker is open; its statements are watched like the pool's (not refused:
 * one begun finishes or fails as a whole), so one stuck on a silent connection is canceled when the breaker
 * opens, which fails the transaction with it.
 */
function gatedBegin(target: object, begin: (...a: unknown[]) => Promise<unknown>, availability: DatabaseAvailability) {
  const gated = withGatedCallback(target, begin, availability);
  return (...args: unknown[]) => {
    try {
      availability.admit();
    } catch (refusal) {
      return Promise.reject(refusal);
    }
    const transaction = gated(...args);
    transaction.then(undefined, (error: unknown) => availability.observe(error));
    return transaction;
  };
}

/** The pool behind a circuit breaker: statements and transactions are refused at once while it is open. */
export function gatePostgres<T extends postgres.Sql<Record<string, unknown>>>(sql: T, availability: DatabaseAvailability): T {
  return gateStatements(sql, availability, true);
}
