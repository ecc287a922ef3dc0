import type postgres from 'postgres';
import type { DatabaseAvailability } from './availability';

type AnySql = postgres.Sql<Record<string, unknown>> | postgres.TransactionSql<Record<string, unknown>>;
type PendingQuery = postgres.PendingQuery<postgres.Row[]>;

/**
 * Puts a statement under the breaker's watch, through the driver's public API only. If the breaker opens before
 * the statement is answered (a black-holed connection answers nothing and fails nothing), the statement is
 * canceled, so that its connection is closed once the cancel goes unanswered for `cancel_timeout`, and the
 * caller is answered at once with the breaker's DatabaseStoppedAnswering (it may have run: "outcome unknown").
 * The caller gets the answer from the race, not from the cancel: postgres.js 4.2.0 neither cancels nor times
 * out a statement whose describe round trip (its first run on a connection) goes unanswered; it waits for the
 * socket (load/RELIABILITY.md, "Choosing the Postgres driver").
 *
 * What is returned is the driver's query behind a proxy whose then/catch/finally race with the abandonment;
 * the modifiers (`.values()`, what drizzle's session calls) go to the query and return the proxy. Registering
 * calls the query's `then`, which sends it: every caller (drizzle's session) awaits what it makes at once, and
 * sets its modifiers in the same tick, before the driver builds the statement in a microtask.
 */
function watchQuery(query: PendingQuery, availability: DatabaseAvailability): PendingQuery {
  let abandon: (error: Error) => void = () => undefined;
  const abandoned = new Promise<never>((_, reject) => (abandon = reject));
  abandoned.catch(() => undefined);
  const answered = availability.waitFor('statement', (error) => {
    abandon(error);
    void query.cancel().catch(() => undefined);
  });
  const outcome = Promise.race([query, abandoned]);
  outcome.then(answered, (error: unknown) => {
    answered();
    availability.observe(error);
  });
  const settles = new Set<PropertyKey>(['then', 'catch', 'finally']);
  const watched: PendingQuery = new Proxy(query, {
    get(target, property) {
      if (settles.has(property)) {
        const method = Reflect.get(outcome, property) as (...a: unknown[]) => unknown;
        return (...args: unknown[]) => method.apply(outcome, args);
      }
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result === target ? watched : result;
      };
    },
  });
  return watched;
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
    // BEGIN and COMMIT are the driver's own statements, which nothing above can cancel: a transaction stuck on
    // one of them is given up on when the breaker opens, as its statements are. Its connection stays the
    // driver's until the socket answers or fails.
    let answered: () => void = () => undefined;
    const abandoned = new Promise<never>((_, reject) => {
      answered = availability.waitFor('transaction', reject);
    });
    abandoned.catch(() => undefined);
    transaction.then(answered, (error: unknown) => {
      answered();
      availability.observe(error);
    });
    return Promise.race([transaction, abandoned]);
  };
}

/** The pool behind a circuit breaker: statements and transactions are refused at once while it is open. */
export function gatePostgres<T extends postgres.Sql<Record<string, unknown>>>(sql: T, availability: DatabaseAvailability): T {
  return gateStatements(sql, availability, true);
}
